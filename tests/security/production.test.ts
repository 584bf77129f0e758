/**
 * Production mode (lib/server/production.ts): start refuses without real secrets; an empty
 * production database gets the catalog and no people; the first super_admin comes from a
 * single-use setup link (admin:create or RADIANT_BOOTSTRAP_ADMIN_EMAIL) that sets the password
 * and enrols MFA; approvals need MFA by default in production.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticateAdmin } from '../../lib/auth/credentials';
import { queryRows, setDbHandle } from '../../lib/db/client';
import { requireMfaForApproval } from '../../lib/governance/config';
import { acceptInvitation, describeInvitation } from '../../lib/governance/invitations';
import { setupMfaSecret } from '../../lib/governance/mfa';
import { createSetupLink } from '../../lib/governance/setup';
import { systemCtx } from '../../lib/platform/context';
import { bootstrapDatabase } from '../../lib/server/bootstrap';
import { demoEnabled, isProductionMode, productionSecretProblems } from '../../lib/server/production';
import { ConflictError, ValidationError } from '../../lib/errors';
import { cleanEnv, freshDb, type FreshDb } from './helpers';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const GOOD = { AUTH_SECRET: 'q7Jm2vX9pL4sT8wZ1cN6bR3yK5hD0fGa+uE/iO2=', RADIANT_SECRET_KEY: 'Zx8Lr2Pq6Wn1Ty4Vb7Mc0Kd3Hf5Gj9Sa+Ue/Io=' };
const saved = { ...process.env };

afterEach(() => {
  for (const k of ['RADIANT_ENV', 'RADIANT_DEMO', 'RADIANT_REQUIRE_MFA_FOR_APPROVAL', 'DATABASE_URL', 'RADIANT_BOOTSTRAP_ADMIN_EMAIL']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, [TSX, 'scripts/start.ts'], { cwd: ROOT, env: cleanEnv(env), encoding: 'utf8', timeout: 60_000 });
}

describe('production start refuses without real secrets', () => {
  it('DATABASE_URL on PostgreSQL and no AUTH_SECRET / RADIANT_SECRET_KEY: exit 1 with a clear message', () => {
    const r = start({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PORT: '1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refuses to start in production mode');
    expect(r.stderr).toContain('AUTH_SECRET is not set');
    expect(r.stderr).toContain('RADIANT_SECRET_KEY is not set');
    expect(r.stdout).not.toContain('RADIANT is running');
  });

  it('RADIANT_ENV=production with a short or known development secret: exit 1', () => {
    const short = start({ RADIANT_ENV: 'production', AUTH_SECRET: 'short', RADIANT_SECRET_KEY: GOOD.RADIANT_SECRET_KEY, PORT: '1' });
    expect(short.status).toBe(1);
    expect(short.stderr).toContain('AUTH_SECRET is too short');
    const known = start({
      RADIANT_ENV: 'production',
      AUTH_SECRET: GOOD.AUTH_SECRET,
      RADIANT_SECRET_KEY: 'radiant-development-secret-key: NOT FOR PRODUCTION',
      PORT: '1',
    });
    expect(known.status).toBe(1);
    expect(known.stderr).toContain('RADIANT_SECRET_KEY is a known development or example value');
  });

  it('decides the mode from the environment', () => {
    expect(isProductionMode({})).toBe(false);
    expect(isProductionMode({ DATABASE_URL: 'postgres://x@h/db' })).toBe(true);
    expect(isProductionMode({ RADIANT_ENV: 'production' })).toBe(true);
    expect(demoEnabled({})).toBe(true);
    expect(demoEnabled({ DATABASE_URL: 'postgres://x@h/db' })).toBe(false);
    expect(demoEnabled({ DATABASE_URL: 'postgres://x@h/db', RADIANT_DEMO: '1' })).toBe(true);
    expect(demoEnabled({ RADIANT_DEMO: '0' })).toBe(false);
    expect(productionSecretProblems(GOOD)).toEqual([]);
    expect(productionSecretProblems({ AUTH_SECRET: GOOD.AUTH_SECRET, RADIANT_SECRET_KEY: GOOD.AUTH_SECRET })).toEqual([
      'AUTH_SECRET and RADIANT_SECRET_KEY must be different values',
    ]);
    expect(productionSecretProblems({ AUTH_SECRET: 'a'.repeat(64), RADIANT_SECRET_KEY: GOOD.RADIANT_SECRET_KEY })[0]).toContain('known development');
  });

  it('approvals need an MFA-verified session by default in production, not in the demo', () => {
    expect(requireMfaForApproval()).toBe(false);
    process.env.RADIANT_ENV = 'production';
    expect(requireMfaForApproval()).toBe(true);
    process.env.RADIANT_DEMO = '1';
    expect(requireMfaForApproval()).toBe(false);
    process.env.RADIANT_REQUIRE_MFA_FOR_APPROVAL = 'true';
    expect(requireMfaForApproval()).toBe(true);
  });
});

describe('an empty production database: catalog, no people, a setup link for the first super_admin', () => {
  let fresh: FreshDb;
  beforeAll(async () => {
    fresh = await freshDb('prod');
    setDbHandle(fresh.handle);
  });
  afterAll(async () => {
    setDbHandle(null);
    await fresh.drop();
  });

  it('loads no demo people without RADIANT_DEMO=1, and logs the bootstrap link once', async () => {
    process.env.RADIANT_ENV = 'production';
    process.env.RADIANT_BOOTSTRAP_ADMIN_EMAIL = 'first@ops.test';
    const r = await bootstrapDatabase({ handle: fresh.handle });
    expect(r.seeded).toBe(false);
    const count = async (t: string) => Number((await queryRows<{ n: string }>(fresh.handle.db, sql.raw(`SELECT count(*) AS n FROM ${t}`)))[0]!.n);
    expect(await count('tenants')).toBe(0);
    expect(await count('administrators')).toBe(0);
    expect(await count('users')).toBe(0);
    expect(await count('models')).toBeGreaterThan(10);
    expect(r.setupLink?.email).toBe('first@ops.test');
    expect(r.setupLink!.expiresAt.getTime() - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(r.setupLink!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    // A restart while that link is live logs nothing new.
    expect((await bootstrapDatabase({ handle: fresh.handle })).setupLink).toBeNull();
  });

  it('the setup link sets the password and enrols MFA, once; then no more setup links', async () => {
    const link = (await createSetupLink({
      ctx: systemCtx('test'),
      input: { email: 'root@ops.test', baseUrl: 'https://radiant.example' },
      db: fresh.handle.db,
    }))!;
    expect(link.url).toMatch(/^https:\/\/radiant\.example\/invite\/[A-Za-z0-9_-]{40,}$/);
    const token = link.url.split('/').pop()!;
    expect(await describeInvitation(token)).toMatchObject({ ok: true, role: 'super_admin', purpose: 'setup' });
    const password = 'a long and new passphrase 42';
    await expect(acceptInvitation({ ctx: {}, input: { token, name: 'Root', password } })).rejects.toBeInstanceOf(ValidationError);
    const secret = setupMfaSecret(token);
    const res = await acceptInvitation({ ctx: {}, input: { token, name: 'Root', password, code: await generate({ secret }) } });
    expect(res.role).toBe('super_admin');
    expect(res.recoveryCodes).toHaveLength(10);
    await expect(acceptInvitation({ ctx: {}, input: { token, name: 'Again', password, code: await generate({ secret }) } })).rejects.toBeInstanceOf(
      ConflictError,
    );
    // Signing in needs the enrolled second factor.
    await expect(authenticateAdmin({ ctx: { ip: '198.51.100.9' }, input: { email: 'root@ops.test', password } })).rejects.toMatchObject({
      reason: 'mfa_required',
    });
    const claims = await authenticateAdmin({
      ctx: { ip: '198.51.100.9' },
      input: { email: 'root@ops.test', password, totp: await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }) },
    });
    expect(claims).toMatchObject({ role: 'super_admin', mfa: true });
    await expect(createSetupLink({ ctx: systemCtx('test'), input: { email: 'other@ops.test' }, db: fresh.handle.db })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('npm run admin:create (black box)', () => {
  it('prints a single-use setup link, and refuses without --email', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radiant-admin-create-'));
    try {
      const env = { RADIANT_DATA_DIR: dir, RADIANT_PUBLIC_URL: 'https://console.example' };
      const usage = spawnSync(process.execPath, [TSX, 'scripts/admin-create.ts'], { cwd: ROOT, env: cleanEnv(env), encoding: 'utf8' });
      expect(usage.status).toBe(2);
      const r = spawnSync(process.execPath, [TSX, 'scripts/admin-create.ts', '--email', 'boss@ops.test'], {
        cwd: ROOT,
        env: cleanEnv(env),
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/https:\/\/console\.example\/invite\/[A-Za-z0-9_-]{40,}/);
      expect(r.stdout).toContain('boss@ops.test');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
