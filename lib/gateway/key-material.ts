/**
 * API key material. Keys are 256 random bits, so a fast SHA-256 is a safe lookup hash (no
 * password-style stretching needed); the key itself is shown once and never stored.
 */
import crypto from 'node:crypto';

export const API_KEY_PREFIX = 'rk_live_';

export interface NewKeyMaterial {
  key: string;
  prefix: string;
  hash: string;
}

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** The short visible part shown in lists: "rk_live_Ab3d…". */
export function keyPrefixOf(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}

export function generateApiKey(): NewKeyMaterial {
  const key = API_KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
  return { key, prefix: keyPrefixOf(key), hash: hashApiKey(key) };
}

/** A key with a value chosen by the operator (RADIANT_DEMO_API_KEY), stored the same way. */
export function keyMaterialFrom(key: string): NewKeyMaterial {
  return { key, prefix: keyPrefixOf(key), hash: hashApiKey(key) };
}
