import crypto from 'node:crypto';
import fs from 'node:fs';
import { chromium, defineConfig, devices } from '@playwright/test';

/**
 * e2e: the built app served exactly as `npm start` serves it (custom server + fast path), on
 * a fresh embedded database, or on a fresh PostgreSQL database when E2E_DATABASE_URL is set
 * (scripts/test.ts creates one from TEST_DATABASE_URL). Chromium: Playwright's own if
 * installed, else Debian's /usr/bin/chromium.
 */
const port = Number(process.env.E2E_PORT ?? 3310);
const baseURL = `http://127.0.0.1:${port}`;
const fakePort = Number(process.env.E2E_FAKE_UPSTREAM_PORT ?? 3399);
// The local OpenID provider e2e/oidc.spec.ts starts (administrator SSO); idle for other specs.
const oidcPort = Number(process.env.E2E_OIDC_PORT ?? 3397);

function chromiumPath(): string | undefined {
  if (process.env.PLAYWRIGHT_CHROMIUM_PATH) return process.env.PLAYWRIGHT_CHROMIUM_PATH;
  try {
    if (fs.existsSync(chromium.executablePath())) return undefined;
  } catch {
    /* fall through */
  }
  return fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

const executablePath = chromiumPath();

export default defineConfig({
  testDir: './e2e',
  // A fake provider (tests/fake-upstream) on a fixed port, so the gateway has upstreams to call.
  globalSetup: './e2e/global-setup.ts',
  outputDir: './test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-results.json' }]],
  use: {
    baseURL,
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 } } }],
  webServer: {
    command: 'npx tsx scripts/start.ts',
    url: `${baseURL}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      RADIANT_DATA_DIR: process.env.E2E_DATA_DIR ?? `${process.cwd()}/test-results/e2e-data`,
      ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
      RADIANT_DEMO_PASSWORD: 'e2e-password-1',
      RADIANT_DEMO_API_KEY: 'rk_live_e2e_demo_key_for_tests_only_0000000000',
      NODE_ENV: 'production',
      // The e2e suite drives the demo world; on PostgreSQL that is production mode, which loads it
      // only on request and refuses to start without real secrets (fresh random ones per run).
      RADIANT_DEMO: '1',
      AUTH_SECRET: process.env.E2E_AUTH_SECRET ?? crypto.randomBytes(33).toString('base64'),
      RADIANT_SECRET_KEY: process.env.E2E_SECRET_KEY ?? crypto.randomBytes(32).toString('base64'),
      // No scheduled jobs: the start-up catch-up would bill the demo's last month at once, and
      // e2e/portal-flow.spec.ts has an administrator bill it from the console. The schedules are
      // covered by tests/billing/jobs.test.ts and the two-instance test (tests/multi-instance).
      RADIANT_JOBS: 'off',
      // Self-service sign-up on (e2e/signup.spec.ts), its verification link shown on screen (no SMTP).
      RADIANT_SIGNUP: 'open',
      RADIANT_DEMO_SHOW_RESET_LINK: '1',
      OPENAI_BASE_URL: `http://127.0.0.1:${fakePort}/v1`,
      OPENAI_API_KEY: 'e2e-fake-openai-key',
      ANTHROPIC_BASE_URL: `http://127.0.0.1:${fakePort}`,
      ANTHROPIC_API_KEY: 'e2e-fake-anthropic-key',
      GOOGLE_BASE_URL: `http://127.0.0.1:${fakePort}/v1beta`,
      GOOGLE_API_KEY: 'e2e-fake-google-key',
      OIDC_ISSUER: `http://127.0.0.1:${oidcPort}`,
      OIDC_CLIENT_ID: 'radiant-e2e',
      OIDC_CLIENT_SECRET: 'radiant-e2e-oidc-client-secret',
      OIDC_NAME: 'Local IdP',
      OIDC_TRUST_AMR: 'true',
    },
  },
});
