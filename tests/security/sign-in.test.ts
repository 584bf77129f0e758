/**
 * Sign-in attempts are counted atomically with the attempt: a burst of 50 parallel wrong
 * passwords for one account (each claiming its own X-Forwarded-For, which is not trusted) has at
 * most the limit evaluated; the rest are refused unseen. Failed attempts stay out of the audit log.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticateTenantUser, SignInRefused } from '../../lib/auth/credentials';
import { clientIp } from '../../lib/auth/request-meta';
import { lockoutSeconds, pruneLoginAttempts } from '../../lib/auth/throttle';
import { queryRows, type Db } from '../../lib/db/client';
import { withPlatform } from '../../lib/db/tenant';
import { hashPassword } from '../../lib/governance/passwords';
import { testDb } from '../support/db';
import { createTenant, createUser } from '../support/factories';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});
afterEach(() => {
  delete process.env.RADIANT_TRUSTED_PROXIES;
});

describe('50 parallel wrong passwords', () => {
  it('evaluate at most the limit (5); the others are refused as throttled without a password check', async () => {
    const t = await createTenant(db);
    const u = await createUser(db, t.id, { passwordHash: await hashPassword('the right password 1') });
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        // Each caller claims another address; with no trusted proxy the header is ignored.
        const headers = new Headers({ 'x-forwarded-for': `203.0.113.${i + 1}`, 'x-radiant-peer': '198.51.100.77' });
        return authenticateTenantUser({ ctx: { ip: clientIp(headers) }, input: { email: u.email, password: `wrong password ${i}` } }).then(
          () => 'signed-in',
          (e: unknown) => (e instanceof SignInRefused ? e.reason : `error: ${String(e)}`),
        );
      }),
    );
    const count = (r: string) => outcomes.filter((o) => o === r).length;
    expect(count('invalid_credentials')).toBe(5);
    expect(count('throttled')).toBe(45);
    const rows = await queryRows<{ reason: string | null; ip_address: string | null }>(
      db,
      sql`SELECT reason, ip_address FROM login_attempts WHERE email = ${u.email.toLowerCase()}`,
    );
    expect(rows).toHaveLength(50);
    expect(new Set(rows.map((r) => r.ip_address))).toEqual(new Set(['198.51.100.77']));
    const audit = await queryRows<{ action: string }>(db, sql`SELECT action FROM audit_logs WHERE actor_email = ${u.email.toLowerCase()}`);
    expect(audit.map((a) => a.action)).toEqual(['auth.locked_out']);
  }, 120_000);
});

describe('lock-out back-off and retention', () => {
  it('1, 2, 4 ... minutes per failure over the limit, never longer than the window', () => {
    expect(lockoutSeconds(4, 5, 15)).toBeNull();
    expect(lockoutSeconds(5, 5, 15)).toBe(60);
    expect(lockoutSeconds(6, 5, 15)).toBe(120);
    expect(lockoutSeconds(8, 5, 15)).toBe(480);
    expect(lockoutSeconds(9, 5, 15)).toBe(900);
    expect(lockoutSeconds(500, 5, 15)).toBe(900);
  });

  it('old attempts are pruned by the retention job', async () => {
    const email = `old-${Date.now()}@retention.test`;
    await db.execute(
      sql`INSERT INTO login_attempts (audience, email, success, reason, created_at) VALUES ('tenant', ${email}, false, 'invalid_credentials', now() - interval '40 days')`,
    );
    expect(await withPlatform((tx) => pruneLoginAttempts(tx, 30), db)).toBeGreaterThanOrEqual(1);
    expect(await queryRows(db, sql`SELECT 1 FROM login_attempts WHERE email = ${email}`)).toHaveLength(0);
  });

  it('X-Forwarded-For counts only through RADIANT_TRUSTED_PROXIES', () => {
    const h = new Headers({ 'x-forwarded-for': '203.0.113.9, 10.1.1.1', 'x-radiant-peer': '10.1.1.2' });
    expect(clientIp(h)).toBe('10.1.1.2');
    process.env.RADIANT_TRUSTED_PROXIES = '1';
    expect(clientIp(h)).toBe('10.1.1.1');
  });
});
