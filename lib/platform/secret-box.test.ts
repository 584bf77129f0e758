import { afterEach, describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, isSealedSecret, resealSecret, resetSecretBox, secretBoxStatus, SecretBoxError } from './secret-box';

const saved = { key: process.env.RADIANT_SECRET_KEY, prev: process.env.RADIANT_SECRET_KEY_PREVIOUS };

afterEach(() => {
  if (saved.key === undefined) delete process.env.RADIANT_SECRET_KEY;
  else process.env.RADIANT_SECRET_KEY = saved.key;
  if (saved.prev === undefined) delete process.env.RADIANT_SECRET_KEY_PREVIOUS;
  else process.env.RADIANT_SECRET_KEY_PREVIOUS = saved.prev;
  resetSecretBox();
});

describe('secret box (AES-256-GCM)', () => {
  it('round-trips and never stores the plaintext', () => {
    process.env.RADIANT_SECRET_KEY = 'a'.repeat(64);
    resetSecretBox();
    const sealed = encryptSecret('sk-live-123', 'provider:openai');
    expect(isSealedSecret(sealed)).toBe(true);
    expect(sealed).not.toContain('sk-live');
    expect(decryptSecret(sealed, 'provider:openai')).toBe('sk-live-123');
    expect(encryptSecret('sk-live-123', 'provider:openai')).not.toBe(sealed); // random IV
    expect(secretBoxStatus().configured).toBe(true);
  });

  it('binds the context and detects tampering', () => {
    process.env.RADIANT_SECRET_KEY = 'another passphrase, stretched with scrypt';
    resetSecretBox();
    const sealed = encryptSecret('totp-secret', 'admin-mfa:1');
    expect(() => decryptSecret(sealed, 'admin-mfa:2')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => decryptSecret(parts.join('.'), 'admin-mfa:1')).toThrow(SecretBoxError);
    expect(() => decryptSecret('plain', 'admin-mfa:1')).toThrow(SecretBoxError);
  });

  it('rotates keys: old values decrypt with RADIANT_SECRET_KEY_PREVIOUS and reseal under the new key', () => {
    process.env.RADIANT_SECRET_KEY = Buffer.alloc(32, 1).toString('base64');
    resetSecretBox();
    const old = encryptSecret('v', 'c');
    process.env.RADIANT_SECRET_KEY = Buffer.alloc(32, 2).toString('base64');
    resetSecretBox();
    expect(() => decryptSecret(old, 'c')).toThrow(/unknown key/);
    process.env.RADIANT_SECRET_KEY_PREVIOUS = Buffer.alloc(32, 1).toString('base64');
    resetSecretBox();
    const resealed = resealSecret(old, 'c');
    expect(resealed.split('.')[1]).toBe(secretBoxStatus().keyId);
    expect(decryptSecret(resealed, 'c')).toBe('v');
  });

  it('falls back to a development key with a warning when unset', () => {
    delete process.env.RADIANT_SECRET_KEY;
    resetSecretBox();
    expect(secretBoxStatus().configured).toBe(false);
    expect(decryptSecret(encryptSecret('x'), '')).toBe('x');
  });
});
