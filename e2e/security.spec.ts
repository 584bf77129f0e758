import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { encode } from 'next-auth/jwt';

/**
 * Issue 17, black box over HTTP:
 *  - security headers on console pages, APIs and the gateway (against the suite's server);
 *  - a PRODUCTION server of its own (RADIANT_ENV=production, real secrets, empty database on a
 *    fresh PostgreSQL database when E2E_DATABASE_URL is set, else embedded): no demo accounts,
 *    `npm run admin:create` prints a setup link that works, and a session cookie signed with the
 *    development secret is not a session there.
 */
const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const PROD_PORT = Number(process.env.E2E_PROD_PORT ?? 3321);
const PROD_URL = `http://127.0.0.1:${PROD_PORT}`;
const SECRETS = { AUTH_SECRET: crypto.randomBytes(33).toString('base64'), RADIANT_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
const DEV_SECRET = crypto.createHash('sha256').update('radiant-development-auth-secret: NOT FOR PRODUCTION').digest('base64url');

test.describe('security headers', () => {
  test('console pages carry a nonce CSP, no framing, nosniff, a referrer policy; scripts carry the nonce', async ({ page }) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
    });
    const res = await page.goto('/admin/sign-in');
    const h = res!.headers();
    const csp = h['content-security-policy'] ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['strict-transport-security']).toBeUndefined(); // plain http here
    const html = await res!.text();
    expect(html).toContain(`nonce="${nonce}"`);
    // The page works under the policy: the form hydrates and answers.
    await page.getByLabel('E-mail').fill('nobody@radiant.local');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'not correct' })).toBeVisible();
    expect(errors).toEqual([]);
    // A fresh nonce per answer.
    const again = (await page.request.get('/admin/sign-in')).headers()['content-security-policy'];
    expect(again).not.toBe(csp);
  });

  test('APIs and the gateway carry them too', async ({ request }) => {
    const api = await request.get('/api/admin/approvals');
    expect(api.status()).toBe(401);
    expect(api.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(api.headers()['x-content-type-options']).toBe('nosniff');
    const gw = await request.get('/api/v1/models', { headers: { authorization: 'Bearer rk_live_unknown' } });
    expect(gw.headers()['x-content-type-options']).toBe('nosniff');
    expect(gw.headers()['content-security-policy']).toContain("default-src 'none'");
    // A malformed URL is the client's mistake: 400, never 500.
    const bad = await request.get('/api/v1/models/%E0%A4%A', { headers: { authorization: 'Bearer rk_live_unknown' } });
    expect(bad.status()).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});

test.describe('production mode', () => {
  test.describe.configure({ timeout: 240_000 });
  let server: ChildProcess | null = null;
  let dataDir = '';
  let dbUrl: string | null = null;
  const log: string[] = [];

  const env = () => {
    const e: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(DATABASE_URL|RADIANT_|E2E_|AUTH_|TEST_)/.test(k)) e[k] = v;
    return {
      ...e,
      ...SECRETS,
      NODE_ENV: 'production',
      RADIANT_ENV: 'production',
      RADIANT_DATA_DIR: dataDir,
      RADIANT_JOBS: 'off',
      RADIANT_PUBLIC_URL: PROD_URL,
      PORT: String(PROD_PORT),
      HOST: '127.0.0.1',
      // PostgreSQL: admin:create runs next to the server. Embedded: one process per data folder,
      // so the start-up path (RADIANT_BOOTSTRAP_ADMIN_EMAIL, link logged once) is used instead.
      ...(dbUrl ? { DATABASE_URL: dbUrl } : { RADIANT_BOOTSTRAP_ADMIN_EMAIL: 'first@ops.test' }),
    };
  };

  test.beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'radiant-e2e-prod-'));
    if (process.env.E2E_DATABASE_URL) {
      const { default: postgres } = await import('postgres');
      const u = new URL(process.env.E2E_DATABASE_URL);
      const name = `radiant_e2e_prod_${process.pid}_${Date.now()}`;
      const sql = postgres(u.toString(), { max: 1, onnotice: () => {} });
      await sql.unsafe(`CREATE DATABASE ${name}`);
      await sql.end();
      u.pathname = `/${name}`;
      dbUrl = u.toString();
    }
    const child = spawn(process.execPath, [TSX, 'scripts/start.ts'], {
      cwd: ROOT,
      env: env() as NodeJS.ProcessEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    child.stdout!.on('data', (c: Buffer) => log.push(c.toString()));
    child.stderr!.on('data', (c: Buffer) => log.push(c.toString()));
    const end = Date.now() + 200_000;
    for (;;) {
      try {
        if ((await fetch(`${PROD_URL}/api/health`)).status < 500) break;
      } catch {
        /* not yet */
      }
      if (Date.now() > end || child.exitCode !== null) throw new Error(`production server did not start:\n${log.join('')}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  });

  test.afterAll(async () => {
    if (server?.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    await new Promise((r) => setTimeout(r, 1500));
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (dbUrl) {
      const { default: postgres } = await import('postgres');
      const u = new URL(dbUrl);
      const name = u.pathname.slice(1);
      u.pathname = '/postgres';
      const sql = postgres(u.toString(), { max: 1, onnotice: () => {} });
      await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await sql.end();
    }
  });

  test('no demo accounts; admin:create gives a working setup link; a dev-secret session is not a session', async ({ browser }) => {
    expect(log.join('')).toContain(dbUrl ? 'No administrator yet' : 'setup link');
    expect(log.join('')).not.toContain('admin@radiant.local');
    const page = await (await browser.newContext({ baseURL: PROD_URL })).newPage();

    // The published demo password opens nothing.
    await page.goto('/admin/sign-in');
    await page.getByLabel('E-mail').fill('admin@radiant.local');
    await page.getByLabel('Password').fill('radiant-demo-2026');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'not correct' })).toBeVisible();

    // A session cookie made with the development secret is not accepted as a session...
    const claims = {
      audience: 'admin',
      userId: crypto.randomUUID(),
      email: 'forged@radiant.local',
      role: 'super_admin',
      mfa: true,
      issuedAt: Math.floor(Date.now() / 1000),
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    };
    const forge = (secret: string) => encode({ token: { sub: claims.userId, email: claims.email, radiant: claims }, secret, salt: 'authjs.session-token' });
    const asCookie = async (secret: string) =>
      (await fetch(`${PROD_URL}/api/admin/approvals`, { headers: { cookie: `authjs.session-token=${await forge(secret)}` } })).json() as Promise<{
        detail: string;
        status: number;
      }>;
    const dev = await asCookie(DEV_SECRET);
    expect(dev).toMatchObject({ status: 401, detail: 'Sign in as an administrator' });
    // ...while the same token under the real secret IS read as a session (then refused: no such admin).
    const real = await asCookie(SECRETS.AUTH_SECRET);
    expect(real.status).toBe(401);
    expect(real.detail).toContain('not active');

    // admin:create prints a single-use setup link; it sets the password and enrols MFA.
    let printed = log.join('');
    if (dbUrl) {
      const r = spawnSync(process.execPath, [TSX, 'scripts/admin-create.ts', '--email', 'first@ops.test'], {
        cwd: ROOT,
        env: env() as NodeJS.ProcessEnv,
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      printed = r.stdout;
    }
    const link = /https?:\/\/[^\s"]+\/invite\/[A-Za-z0-9_-]+/.exec(printed)![0];
    const { generate } = await import('otplib');
    await page.goto(new URL(link).pathname);
    await expect(page.getByRole('heading', { name: 'Set up the first administrator' })).toBeVisible();
    const secret = (await page.getByTestId('setup-mfa-secret').innerText()).trim();
    await page.getByLabel('Your name').fill('First Admin');
    await page.getByLabel('Password', { exact: true }).fill('a long first-admin passphrase');
    await page.getByLabel('Repeat the password').fill('a long first-admin passphrase');
    await page.getByLabel('Code from your authenticator app').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Create my account' }).click();
    await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
    // Sign in: password, then the code.
    await page.goto('/admin/sign-in');
    await page.getByLabel('E-mail').fill('first@ops.test');
    await page.getByLabel('Password').fill('a long first-admin passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authentication code').fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    const me = await page.request.get('/api/admin/admins/me/mfa');
    expect(((await me.json()) as { sessionVerified: boolean }).sessionVerified).toBe(true);
    // The link was single use.
    await page.goto(new URL(link).pathname);
    await expect(page.getByRole('alert').filter({ hasText: 'already been used' })).toBeVisible();
  });
});
