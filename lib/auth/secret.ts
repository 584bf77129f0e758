/**
 * The key that signs and encrypts session JWTs: AUTH_SECRET (Auth.js's variable).
 *
 * Production mode (lib/server/production.ts: DATABASE_URL on PostgreSQL, or RADIANT_ENV=production):
 * AUTH_SECRET must be set, at least 32 characters and not a known development value, or this
 * throws (start refuses before it gets here; this is the second line). Demo mode (the embedded
 * quick start): AUTH_SECRET when set; otherwise one derived from RADIANT_SECRET_KEY; otherwise a
 * development default derived from a public constant, announced once on the server log — anyone
 * can forge a session signed with it, which is why production refuses it.
 */
import crypto from 'node:crypto';
import { isProductionMode, ProductionConfigError, secretProblem } from '../server/production';

let announced = false;

export function authSecret(): string {
  if (isProductionMode()) {
    const problem = secretProblem('AUTH_SECRET', process.env.AUTH_SECRET);
    if (problem) throw new ProductionConfigError([problem]);
    return process.env.AUTH_SECRET!.trim();
  }
  if (process.env.AUTH_SECRET?.trim()) return process.env.AUTH_SECRET.trim();
  if (process.env.RADIANT_SECRET_KEY?.trim()) {
    return crypto.createHash('sha256').update('radiant-auth-secret:').update(process.env.RADIANT_SECRET_KEY.trim()).digest('base64url');
  }
  if (!announced) {
    announced = true;
    // Not the pino logger: proxy.ts reaches this module, and it stays free of logger bundling.
    process.emitWarning(
      'RADIANT WARNING: AUTH_SECRET is not set; sessions are signed with a DEVELOPMENT secret ' +
        'derived from a public constant (demo mode only: production mode refuses to start without AUTH_SECRET).',
    );
  }
  return crypto.createHash('sha256').update('radiant-development-auth-secret: NOT FOR PRODUCTION').digest('base64url');
}
