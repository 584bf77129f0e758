/**
 * The key that signs and encrypts session JWTs. AUTH_SECRET (Auth.js's variable) when set;
 * otherwise one derived from RADIANT_SECRET_KEY; otherwise a development default derived from a
 * constant, announced once on the server log. With the development default anyone can forge a
 * session: set AUTH_SECRET (`openssl rand -base64 33`) on every real installation, the same
 * value on every app instance.
 */
import crypto from 'node:crypto';

let announced = false;

export function authSecret(): string {
  if (process.env.AUTH_SECRET?.trim()) return process.env.AUTH_SECRET.trim();
  if (process.env.RADIANT_SECRET_KEY?.trim()) {
    return crypto.createHash('sha256').update('radiant-auth-secret:').update(process.env.RADIANT_SECRET_KEY.trim()).digest('base64url');
  }
  if (!announced) {
    announced = true;
    console.warn(
      '\n*** RADIANT WARNING: AUTH_SECRET is not set; sessions are signed with a DEVELOPMENT secret ' +
        'derived from a public constant. Set AUTH_SECRET (e.g. `openssl rand -base64 33`) before exposing this server. ***\n',
    );
  }
  return crypto.createHash('sha256').update('radiant-development-auth-secret: NOT FOR PRODUCTION').digest('base64url');
}
