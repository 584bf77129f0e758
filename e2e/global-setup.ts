/**
 * Playwright global setup (e2e/admin*, e2e/portal*): a fake AI provider on a FIXED port, so the
 * app server started by Playwright's webServer can be pointed at it through its environment
 * (playwright.config.ts webServer.env):
 *   OPENAI_BASE_URL=http://127.0.0.1:3399/v1      OPENAI_API_KEY=e2e-fake-openai-key
 *   ANTHROPIC_BASE_URL=http://127.0.0.1:3399      ANTHROPIC_API_KEY=e2e-fake-anthropic-key
 *   GOOGLE_BASE_URL=http://127.0.0.1:3399/v1beta  GOOGLE_API_KEY=e2e-fake-google-key
 * The port can be moved with E2E_FAKE_UPSTREAM_PORT (keep the env above in step). If the port is
 * already taken by a fake upstream from another run, that one is used.
 */
import { startFakeUpstream } from '../tests/fake-upstream/server';

export const FAKE_UPSTREAM_PORT = Number(process.env.E2E_FAKE_UPSTREAM_PORT ?? 3399);

async function alreadyRunning(port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: 'Bearer probe' }, signal: AbortSignal.timeout(1000) });
    return r.status < 500;
  } catch {
    return false;
  }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (await alreadyRunning(FAKE_UPSTREAM_PORT)) return async () => {};
  const upstream = await startFakeUpstream({ port: FAKE_UPSTREAM_PORT, host: '127.0.0.1', record: false });
  process.env.E2E_FAKE_UPSTREAM_URL = upstream.url;
  return async () => {
    await upstream.close();
  };
}
