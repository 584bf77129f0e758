/**
 * Secrets at rest: AES-256-GCM (authenticated encryption) under RADIANT_SECRET_KEY. Used for TOTP
 * secrets here and, by the gateway, for provider credentials stored in the database.
 *
 *   const sealed = encryptSecret('sk-...', 'provider:openai');   // store this string
 *   const plain  = decryptSecret(sealed, 'provider:openai');     // same context or it fails
 *
 * The optional `context` is bound as additional authenticated data: a ciphertext copied from
 * one row to another (another provider, another admin) does not decrypt there.
 *
 * Format: `rsb1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts; 12-byte random IV; 16-byte tag).
 * keyId names the key that sealed it, so keys can be rotated: set the new key as
 * RADIANT_SECRET_KEY and the old one as RADIANT_SECRET_KEY_PREVIOUS; values sealed under either
 * decrypt, new values use the new key.
 *
 * RADIANT_SECRET_KEY: 32 bytes as 64 hex characters or base64 (`openssl rand -base64 32`); any
 * other string is treated as a passphrase and stretched with scrypt. Unset: a development key
 * derived from a constant is used and a loud warning is printed once — anyone can decrypt
 * what it sealed, so never run a real installation without the variable.
 */
import crypto from 'node:crypto';
import { isProductionMode, ProductionConfigError } from '../server/production';
import { getLogger } from '../observability/logger';

const PREFIX = 'rsb1';
const DEV_KEY_MATERIAL = 'radiant-development-secret-key: NOT FOR PRODUCTION';

interface Key {
  id: string;
  bytes: Buffer;
}

interface KeyRing {
  current: Key;
  previous: Key[];
  configured: boolean;
}

let ring: KeyRing | null = null;
let warned = false;

function keyFrom(material: string): Buffer {
  const s = material.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) {
    const b = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  // A passphrase: stretch it (fixed salt: the same passphrase must give the same key everywhere).
  return crypto.scryptSync(s, 'radiant-secret-box-v1', 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
}

function makeKey(bytes: Buffer): Key {
  return { id: crypto.createHash('sha256').update('radiant-key-id:').update(bytes).digest('hex').slice(0, 8), bytes };
}

function keyRing(): KeyRing {
  if (ring) return ring;
  const configured = !!process.env.RADIANT_SECRET_KEY?.trim();
  let current: Key;
  if (configured) current = makeKey(keyFrom(process.env.RADIANT_SECRET_KEY!));
  else if (isProductionMode()) {
    // Start refuses first (lib/server/production.ts); this is the second line.
    throw new ProductionConfigError(['RADIANT_SECRET_KEY is not set']);
  } else {
    current = makeKey(crypto.createHash('sha256').update(DEV_KEY_MATERIAL).digest());
    if (!warned) {
      warned = true;
      getLogger().warn(
        'RADIANT WARNING: RADIANT_SECRET_KEY is not set. Secrets at rest (TOTP secrets, provider ' +
          'credentials) are encrypted with a DEVELOPMENT key that anyone can derive. Set ' +
          'RADIANT_SECRET_KEY (e.g. `openssl rand -base64 32`) before storing real secrets.',
      );
    }
  }
  const previous = (process.env.RADIANT_SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((m) => makeKey(keyFrom(m)));
  ring = { current, previous, configured };
  return ring;
}

/** Whether a real key is configured (false = the development key), and the current key id. */
export function secretBoxStatus(): { configured: boolean; keyId: string } {
  const r = keyRing();
  return { configured: r.configured, keyId: r.current.id };
}

/** Re-read the environment (tests, key rotation without restart). */
export function resetSecretBox(): void {
  ring = null;
}

const b64u = (b: Buffer) => b.toString('base64url');

export function isSealedSecret(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(`${PREFIX}.`) && value.split('.').length === 5;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export function encryptSecret(plaintext: string, context = ''): string {
  const { current } = keyRing();
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', current.bytes, iv);
  cipher.setAAD(Buffer.from(`radiant:${context}`, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [PREFIX, current.id, b64u(iv), b64u(cipher.getAuthTag()), b64u(ct)].join('.');
}

/** Decrypts a value from encryptSecret. Throws SecretBoxError (never the plaintext) on a wrong
 * key, a wrong context or any tampering. */
export function decryptSecret(sealed: string, context = ''): string {
  if (!isSealedSecret(sealed)) throw new SecretBoxError('not a sealed secret');
  const [, keyId, iv, tag, ct] = sealed.split('.') as [string, string, string, string, string];
  const { current, previous } = keyRing();
  const key = [current, ...previous].find((k) => k.id === keyId);
  if (!key) throw new SecretBoxError(`sealed with unknown key ${keyId} (set RADIANT_SECRET_KEY_PREVIOUS to rotate)`);
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`radiant:${context}`, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError('secret could not be decrypted (wrong key or context, or tampered)');
  }
}

/** Re-encrypts under the current key (after a rotation). */
export function resealSecret(sealed: string, context = ''): string {
  return encryptSecret(decryptSecret(sealed, context), context);
}
