/**
 * What `npm start` prints about the people who can sign in: the demo accounts (demo world), or
 * how to create the first super_admin (production mode, no demo) — never the demo password in
 * production unless the demo world was asked for (RADIANT_DEMO=1).
 */
import { demoPassword, DEMO_ACCOUNTS } from '../demo/accounts';
import type { Db } from '../db/client';
import { hasActiveAdministrator } from '../governance/setup';
import { demoEnabled } from './production';

export async function accountsSection(db: Db, url: string, setupLink?: { url: string; email: string } | null): Promise<string> {
  if (demoEnabled()) {
    const pw = demoPassword();
    return `  Admin console   ${url}/admin
${DEMO_ACCOUNTS.filter((a) => a.kind === 'admin')
  .map((a) => `                  ${a.email.padEnd(26)} ${a.role}`)
  .join('\n')}
  Customer portal ${url}/portal
${DEMO_ACCOUNTS.filter((a) => a.kind === 'tenant')
  .map((a) => `                  ${a.email.padEnd(26)} ${a.role} of ${a.tenant}`)
  .join('\n')}
  Password        ${process.env.RADIANT_DEMO_PASSWORD ? '(RADIANT_DEMO_PASSWORD)' : pw}`;
  }
  const lines = [`  Admin console   ${url}/admin`];
  if (setupLink) lines.push(`  First super_admin setup link (single use, 24 h) for ${setupLink.email}:`, `                  ${setupLink.url}`);
  else if (!(await hasActiveAdministrator(db))) {
    lines.push('  No administrator yet: run `npm run admin:create -- --email you@example.com` for a setup link');
    lines.push('                  (or start with RADIANT_BOOTSTRAP_ADMIN_EMAIL=you@example.com)');
  }
  lines.push(`  Customer portal ${url}/portal`);
  return lines.join('\n');
}
