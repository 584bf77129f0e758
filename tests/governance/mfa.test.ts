/** TOTP enrolment, verification at sign-in (second step), replay protection, recovery codes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { authenticateAdmin, SignInRefused } from '../../lib/auth/credentials';
import type { Db } from '../../lib/db/client';
import { administrators } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { ConflictError, ValidationError } from '../../lib/errors';
import { beginMfaEnrolment, confirmMfaEnrolment, disableMfa, mfaStatus, regenerateRecoveryCodes } from '../../lib/governance/mfa';
import { isSealedSecret } from '../../lib/platform/secret-box';
import { testDb } from '../support/db';
import { adminById, auditRowsFor, createAdmin, ctxOf } from './helpers';

const PASSWORD = 'totp-test-password-1';
let db: Db;

beforeAll(async () => {
  db = (await testDb()).db;
});

const codeAt = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });

async function refusal(p: Promise<unknown>) {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SignInRefused);
  return (e as SignInRefused).reason;
}

async function enrolled() {
  const admin = await createAdmin(db, 'admin', { password: PASSWORD });
  const ctx = ctxOf(admin);
  const e = await beginMfaEnrolment({ ctx });
  const { recoveryCodes } = await confirmMfaEnrolment({ ctx, input: { code: await codeAt(e.secret) } });
  return { admin, ctx, secret: e.secret, recoveryCodes };
}

describe('enrolment', () => {
  it('gives a QR code and otpauth URI, stores the secret sealed, and turns on only after a valid code', async () => {
    const admin = await createAdmin(db, 'operator');
    const ctx = ctxOf(admin);
    const e = await beginMfaEnrolment({ ctx });
    expect(e.otpauthUrl).toMatch(/^otpauth:\/\/totp\/RADIANT:/);
    expect(e.otpauthUrl).toContain(`secret=${e.secret}`);
    expect(e.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const row = await adminById(db, admin.id);
    expect(row.mfaEnabled).toBe(false);
    expect(isSealedSecret(row.mfaSecretEncrypted)).toBe(true);
    expect(row.mfaSecretEncrypted).not.toContain(e.secret);
    expect((await mfaStatus({ ctx })).enrolmentPending).toBe(true);

    await expect(confirmMfaEnrolment({ ctx, input: { code: '000000' } })).rejects.toBeInstanceOf(ValidationError);
    const { recoveryCodes } = await confirmMfaEnrolment({ ctx, input: { code: await codeAt(e.secret) } });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const after = await adminById(db, admin.id);
    expect(after.mfaEnabled).toBe(true);
    expect(after.mfaRecoveryCodes).toHaveLength(10);
    expect(after.mfaRecoveryCodes.join()).not.toContain(recoveryCodes[0]!.replace('-', ''));
    await expect(beginMfaEnrolment({ ctx })).rejects.toBeInstanceOf(ConflictError);
    expect((await auditRowsFor(db, { resourceId: admin.id })).map((r) => r.action)).toEqual(['mfa.enrolment_started', 'mfa.enabled']);
  });
});

describe('sign-in with MFA', () => {
  it('asks for the code after the password, accepts a valid one and marks the session mfa', async () => {
    const { admin, secret } = await enrolled();
    expect(await refusal(authenticateAdmin({ ctx: {}, input: { email: admin.email, password: PASSWORD } }))).toBe('mfa_required');
    expect(await refusal(authenticateAdmin({ ctx: {}, input: { email: admin.email, password: PASSWORD, totp: '123456' } }))).toBe('mfa_invalid');
    expect(await refusal(authenticateAdmin({ ctx: {}, input: { email: admin.email, password: 'wrong-password-x', totp: await codeAt(secret, 30) } }))).toBe(
      'invalid_credentials',
    );
    const claims = await authenticateAdmin({ ctx: {}, input: { email: admin.email, password: PASSWORD, totp: await codeAt(secret, 30) } });
    expect(claims.mfa).toBe(true);
  });

  it('never accepts the same time step twice (replay)', async () => {
    const { admin, secret } = await enrolled();
    const code = await codeAt(secret, 30);
    await authenticateAdmin({ ctx: {}, input: { email: admin.email, password: PASSWORD, totp: code } });
    expect(await refusal(authenticateAdmin({ ctx: {}, input: { email: admin.email, password: PASSWORD, totp: code } }))).toBe('mfa_invalid');
  });

  it('a recovery code works once', async () => {
    const { admin, recoveryCodes } = await enrolled();
    const code = recoveryCodes[3]!;
    const claims = await authenticateAdmin({ ctx: {}, input: { email: admin.email, password: PASSWORD, totp: code.toUpperCase() } });
    expect(claims.mfa).toBe(true);
    expect((await adminById(db, admin.id)).mfaRecoveryCodes).toHaveLength(9);
    expect(await refusal(authenticateAdmin({ ctx: {}, input: { email: admin.email, password: PASSWORD, totp: code } }))).toBe('mfa_invalid');
  });
});

describe('disable and regenerate', () => {
  it('needs a valid code; then sign-in is password-only again', async () => {
    const { admin, ctx, secret } = await enrolled();
    await expect(disableMfa({ ctx, input: { code: '999999' } })).rejects.toBeInstanceOf(ValidationError);
    const { recoveryCodes } = await regenerateRecoveryCodes({ ctx, input: { code: await codeAt(secret, 30) } });
    expect(recoveryCodes).toHaveLength(10);
    await disableMfa({ ctx, input: { code: recoveryCodes[0]! } });
    const row = await adminById(db, admin.id);
    expect(row.mfaEnabled).toBe(false);
    expect(row.mfaSecretEncrypted).toBeNull();
    const claims = await authenticateAdmin({ ctx: {}, input: { email: admin.email, password: PASSWORD } });
    expect(claims.mfa).toBe(false);
    const actions = (await auditRowsFor(db, { resourceId: admin.id })).map((r) => r.action);
    expect(actions).toContain('mfa.disable_refused');
    expect(actions).toContain('mfa.disabled');
    await withPlatform((tx) => tx.select().from(administrators).where(eq(administrators.id, admin.id)), db);
  });
});
