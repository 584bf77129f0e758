/** Password hashing: argon2id (memory-hard) from @node-rs/argon2, OWASP's minimum parameters. */
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** The password rule for administrators and tenant users (NIST 800-63B style: length, not
 * composition). Demo passwords are longer than the minimum. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters`;
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) return 'Do not use your e-mail address as the password';
  return null;
}

let dummy: Promise<string> | null = null;
/** A real hash to verify against when the account does not exist, so "no such user" takes as
 * long as "wrong password" (no account enumeration by timing). */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword('radiant-no-such-account-placeholder');
  return dummy;
}
