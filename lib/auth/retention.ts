/**
 * The login_attempts retention job: every instance deletes attempts older than
 * RADIANT_LOGIN_ATTEMPTS_RETENTION_DAYS (default 30) shortly after start and then every 6 hours
 * (an idempotent DELETE: several instances doing it is harmless). Started with the background
 * work (lib/server/background.ts); RADIANT_BACKGROUND=0 turns it off with the rest.
 */
import { withPlatform } from '../db/tenant';
import { getLogger } from '../observability/logger';
import { pruneLoginAttempts } from './throttle';

const EVERY_MS = 6 * 3600_000;
const G = globalThis as typeof globalThis & { __radiantLoginRetention?: NodeJS.Timeout };

async function runOnce(): Promise<void> {
  try {
    const n = await withPlatform((tx) => pruneLoginAttempts(tx));
    if (n) getLogger().info({ event: 'login_attempts_pruned', rows: n }, 'old sign-in attempts deleted');
  } catch (err) {
    getLogger().warn({ err }, 'login_attempts retention failed; retrying at the next tick');
  }
}

export function startLoginAttemptsRetention(): void {
  if (G.__radiantLoginRetention) return;
  const first = setTimeout(() => void runOnce(), 60_000);
  first.unref();
  G.__radiantLoginRetention = setInterval(() => void runOnce(), EVERY_MS);
  G.__radiantLoginRetention.unref();
}

export function stopLoginAttemptsRetention(): void {
  if (G.__radiantLoginRetention) clearInterval(G.__radiantLoginRetention);
  G.__radiantLoginRetention = undefined;
}
