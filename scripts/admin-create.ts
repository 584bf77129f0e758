/**
 * npm run admin:create -- --email ops@example.com
 *
 * The first super_admin of an installation: migrates the database if needed, then prints a
 * single-use setup link (valid 24 hours) that sets the password and enrols MFA. Refused once an
 * active super_admin exists (then administrators are invited from the console, with an approval).
 * RADIANT_PUBLIC_URL sets the link's origin (default http://localhost:3000).
 */
import { closeDb, getDbHandle } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { assertProductionReady } from '../lib/server/production';
import { createSetupLink } from '../lib/governance/setup';
import { systemCtx } from '../lib/platform/context';

function arg(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const a = argv[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

async function main(): Promise<void> {
  const email = arg('email');
  if (!email) {
    console.error('usage: npm run admin:create -- --email you@example.com');
    process.exitCode = 2;
    return;
  }
  assertProductionReady();
  const handle = await getDbHandle();
  await migrate(handle.db);
  const link = await createSetupLink({ ctx: systemCtx('cli:admin:create'), input: { email }, db: handle.db });
  console.log(`Setup link for ${link!.email} (super_admin), single use, valid until ${link!.expiresAt.toISOString()}:

  ${link!.url}

Open it to set the password and enrol an authenticator app (MFA). Anyone holding the link can
claim the account: send it only to that person.`);
}

main()
  .catch((err: unknown) => {
    console.error(`admin:create: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
