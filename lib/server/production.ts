/**
 * Production mode, decided once from the environment:
 *
 *   production  DATABASE_URL points at a PostgreSQL server, or RADIANT_ENV=production (the
 *               Dockerfile sets it). Start refuses without real secrets (AUTH_SECRET and
 *               RADIANT_SECRET_KEY: set, at least 32 characters, not a known development
 *               value); the demo world loads only with RADIANT_DEMO=1; approvals need an
 *               MFA-verified session unless RADIANT_REQUIRE_MFA_FOR_APPROVAL=false.
 *   demo        the embedded quick start (`npm install && npm start`, no DATABASE_URL): the
 *               demo world with its printed accounts, development secrets allowed (warned),
 *               approvals without MFA. RADIANT_DEMO=0 turns the demo world off here too.
 *
 * docs/security.md lists the threats these answer; docs/deploy.md the variables.
 */
import crypto from 'node:crypto';

type Env = Record<string, string | undefined>;

export function isProductionMode(env: Env = process.env): boolean {
  if ((env.RADIANT_ENV ?? '').trim().toLowerCase() === 'production') return true;
  const url = (env.DATABASE_URL ?? '').trim();
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Load the demo world (people, tenants, keys) into an empty database? */
export function demoEnabled(env: Env = process.env): boolean {
  const v = (env.RADIANT_DEMO ?? '').trim().toLowerCase();
  if (v === '1' || v === 'true' || v === 'yes') return true;
  if (v === '0' || v === 'false' || v === 'no') return false;
  return !isProductionMode(env);
}

export const MIN_SECRET_LENGTH = 32;

/** Values that appear in our own code, docs and tests, or that people paste from examples:
 * anyone can read them, so a session or ciphertext made with them is forgeable. */
const KNOWN_DEVELOPMENT_VALUES = new Set(
  [
    crypto.createHash('sha256').update('radiant-development-auth-secret: NOT FOR PRODUCTION').digest('base64url'),
    'radiant-development-secret-key: NOT FOR PRODUCTION',
    'radiant-development-auth-secret: NOT FOR PRODUCTION',
    'multi-instance-test-secret-same-on-every-instance',
    'test-secret-key-for-gateway-tests',
    'e2e-auth-secret-not-for-production-0000000000',
    'e2e-secret-key-not-for-production-00000000000',
    'changeme',
    'change-me',
    'secret',
    'development',
    '...',
  ].map((v) => v.toLowerCase()),
);

function looksLikePlaceholder(v: string): boolean {
  const s = v.toLowerCase();
  if (KNOWN_DEVELOPMENT_VALUES.has(s)) return true;
  if (/^(.)\1+$/.test(v)) return true; // "aaaa...", "0000..."
  return /(change[-_ ]?me|not[-_ ]for[-_ ]production|replace[-_ ]?me|your[-_ ]secret|example)/i.test(v);
}

/** Problems with one secret, or null when it is fit for production. */
export function secretProblem(name: string, value: string | undefined): string | null {
  const v = value?.trim() ?? '';
  if (!v) return `${name} is not set`;
  if (v.length < MIN_SECRET_LENGTH) return `${name} is too short (${v.length} characters; at least ${MIN_SECRET_LENGTH})`;
  if (looksLikePlaceholder(v)) return `${name} is a known development or example value`;
  return null;
}

/** Every reason the environment is not fit for production (empty when it is). */
export function productionSecretProblems(env: Env = process.env): string[] {
  const problems = [secretProblem('AUTH_SECRET', env.AUTH_SECRET), secretProblem('RADIANT_SECRET_KEY', env.RADIANT_SECRET_KEY)].filter(
    (p): p is string => p !== null,
  );
  if (!problems.length && env.AUTH_SECRET!.trim() === env.RADIANT_SECRET_KEY!.trim()) {
    problems.push('AUTH_SECRET and RADIANT_SECRET_KEY must be different values');
  }
  return problems;
}

export class ProductionConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      [
        'RADIANT refuses to start in production mode (DATABASE_URL points at PostgreSQL, or RADIANT_ENV=production):',
        ...problems.map((p) => `  - ${p}`),
        'Generate each with `openssl rand -base64 33` (different values; the same on every instance) and set them in the environment.',
        'For a local demo on the embedded database, unset DATABASE_URL and RADIANT_ENV.',
      ].join('\n'),
    );
    this.name = 'ProductionConfigError';
  }
}

/** Throws ProductionConfigError in production mode when a secret is missing, short or known. */
export function assertProductionReady(env: Env = process.env): void {
  if (!isProductionMode(env)) return;
  const problems = productionSecretProblems(env);
  if (problems.length) throw new ProductionConfigError(problems);
}
