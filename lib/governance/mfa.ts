/**
 * TOTP multi-factor authentication for administrators (otplib v13, RFC 6238: SHA-1, 6 digits,
 * 30 s; the defaults every authenticator app supports).
 *
 *   beginMfaEnrolment    new secret (AES-256-GCM sealed at rest, see secret-box.ts), otpauth URI and
 *                        a QR code data URL; MFA stays OFF until confirmed
 *   confirmMfaEnrolment  a code from the app turns MFA on and returns 10 recovery codes ONCE
 *                        (stored argon2-hashed, each usable once)
 *   disableMfa           needs a current code or a recovery code
 *   verifySecondFactor   used at sign-in: a TOTP code (never the same time step twice) or a
 *                        recovery code (consumed)
 */
import crypto from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Tx } from '../db/client';
import { administrators } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { ConflictError, InvalidStateError, UnauthenticatedError, ValidationError } from '../errors';
import { auditFields, writeAudit } from '../platform/audit';
import type { AdminContext } from '../platform/context';
import { hashPassword, verifyPassword } from './passwords';
import { decryptSecret, encryptSecret } from '../platform/secret-box';

export const MFA_ISSUER = 'RADIANT';
export const RECOVERY_CODE_COUNT = 10;
/** Accept the previous and next 30 s step too (clock drift). */
const EPOCH_TOLERANCE = 30;

type AdminRow = typeof administrators.$inferSelect;

const secretContext = (adminId: string) => `admin-mfa:${adminId}`;

export const codeSchema = z.object({ code: z.string().trim().min(6, 'enter the 6-digit code').max(40) });

async function lockAdmin(tx: Tx, adminId: string): Promise<AdminRow> {
  const [row] = await tx
    .select()
    .from(administrators)
    .where(and(eq(administrators.id, adminId), isNull(administrators.deletedAt)))
    .for('update');
  if (!row) throw new UnauthenticatedError('Your administrator account no longer exists');
  return row;
}

/** A TOTP code for a secret, returning the time step it matched (or null). */
export async function checkTotp(secret: string, code: string, afterTimeStep?: number | null): Promise<number | null> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  try {
    const r = await verifyTotp({
      secret,
      token,
      epochTolerance: EPOCH_TOLERANCE,
      ...(afterTimeStep !== null && afterTimeStep !== undefined ? { afterTimeStep } : {}),
    });
    return r.valid && 'timeStep' in r && typeof r.timeStep === 'number' ? r.timeStep : null;
  } catch {
    return null;
  }
}

function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const RC_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function newRecoveryCode(): string {
  const bytes = crypto.randomBytes(10);
  let s = '';
  for (const b of bytes) s += RC_ALPHABET[b % RC_ALPHABET.length];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

async function newRecoveryCodes(): Promise<{ plain: string[]; hashes: string[] }> {
  const plain = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = await Promise.all(plain.map((c) => hashPassword(normaliseRecoveryCode(c))));
  return { plain, hashes };
}

/**
 * Checks a second factor for an admin row LOCKED by the caller (inside its transaction) and
 * records its use: the TOTP time step (replay guard) or the removal of the used recovery code.
 */
export async function verifySecondFactor(tx: Tx, admin: AdminRow, code: string): Promise<'totp' | 'recovery' | null> {
  if (!admin.mfaEnabled || !admin.mfaSecretEncrypted) return null;
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed.replace(/\s+/g, ''))) {
    const secret = decryptSecret(admin.mfaSecretEncrypted, secretContext(admin.id));
    const step = await checkTotp(secret, trimmed, admin.mfaLastTimeStep);
    if (step === null) return null;
    await tx.update(administrators).set({ mfaLastTimeStep: step }).where(eq(administrators.id, admin.id));
    return 'totp';
  }
  const normalised = normaliseRecoveryCode(trimmed);
  if (normalised.length !== 10) return null;
  for (const [i, hash] of admin.mfaRecoveryCodes.entries()) {
    if (await verifyPassword(hash, normalised)) {
      const remaining = admin.mfaRecoveryCodes.filter((_, j) => j !== i);
      await tx.update(administrators).set({ mfaRecoveryCodes: remaining }).where(eq(administrators.id, admin.id));
      return 'recovery';
    }
  }
  return null;
}

export interface MfaEnrolment {
  /** Base32 secret, for typing into an app by hand. Shown once; stored only sealed. */
  secret: string;
  otpauthUrl: string;
  qrDataUrl: string;
}

export async function beginMfaEnrolment({ ctx }: { ctx: AdminContext }): Promise<MfaEnrolment> {
  const secret = generateSecret();
  const otpauthUrl = generateURI({ issuer: MFA_ISSUER, label: ctx.email, secret });
  await withPlatform(async (tx) => {
    const admin = await lockAdmin(tx, ctx.adminId);
    if (admin.mfaEnabled) throw new ConflictError('MFA is already enabled; disable it first to enrol a new device');
    await tx
      .update(administrators)
      .set({ mfaSecretEncrypted: encryptSecret(secret, secretContext(admin.id)), mfaLastTimeStep: null, updatedAt: new Date() })
      .where(eq(administrators.id, admin.id));
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'mfa.enrolment_started',
      resourceType: 'administrator',
      resourceId: admin.id,
    });
  });
  const qrDataUrl = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 1, width: 220 });
  return { secret, otpauthUrl, qrDataUrl };
}

export async function confirmMfaEnrolment({ ctx, input }: { ctx: AdminContext; input: { code: string } }): Promise<{ recoveryCodes: string[] }> {
  const { code } = codeSchema.parse(input);
  const { plain, hashes } = await newRecoveryCodes();
  await withPlatform(async (tx) => {
    const admin = await lockAdmin(tx, ctx.adminId);
    if (admin.mfaEnabled) throw new ConflictError('MFA is already enabled');
    if (!admin.mfaSecretEncrypted) throw new InvalidStateError('Start the enrolment first');
    const secret = decryptSecret(admin.mfaSecretEncrypted, secretContext(admin.id));
    const step = await checkTotp(secret, code);
    if (step === null)
      throw new ValidationError('That code is not valid: check the time on your device and try again', [{ path: 'code', message: 'invalid code' }]);
    await tx
      .update(administrators)
      .set({ mfaEnabled: true, mfaVerifiedAt: new Date(), mfaLastTimeStep: step, mfaRecoveryCodes: hashes, updatedAt: new Date() })
      .where(eq(administrators.id, admin.id));
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'mfa.enabled',
      resourceType: 'administrator',
      resourceId: admin.id,
      oldValues: { mfaEnabled: false },
      newValues: { mfaEnabled: true, recoveryCodes: RECOVERY_CODE_COUNT },
    });
  });
  return { recoveryCodes: plain };
}

export async function disableMfa({ ctx, input }: { ctx: AdminContext; input: { code: string } }): Promise<void> {
  const { code } = codeSchema.parse(input);
  const refused = await withPlatform(async (tx) => {
    const admin = await lockAdmin(tx, ctx.adminId);
    if (!admin.mfaEnabled) throw new InvalidStateError('MFA is not enabled');
    const method = await verifySecondFactor(tx, admin, code);
    if (!method) {
      await writeAudit(tx, {
        ...auditFields(ctx),
        action: 'mfa.disable_refused',
        resourceType: 'administrator',
        resourceId: admin.id,
      });
      return true;
    }
    await tx
      .update(administrators)
      .set({ mfaEnabled: false, mfaSecretEncrypted: null, mfaVerifiedAt: null, mfaLastTimeStep: null, mfaRecoveryCodes: [], updatedAt: new Date() })
      .where(eq(administrators.id, admin.id));
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'mfa.disabled',
      resourceType: 'administrator',
      resourceId: admin.id,
      oldValues: { mfaEnabled: true },
      newValues: { mfaEnabled: false },
      metadata: { verifiedWith: method },
    });
    return false;
  });
  if (refused) throw new ValidationError('That code is not valid', [{ path: 'code', message: 'invalid code' }]);
}

export async function regenerateRecoveryCodes({ ctx, input }: { ctx: AdminContext; input: { code: string } }): Promise<{ recoveryCodes: string[] }> {
  const { code } = codeSchema.parse(input);
  const { plain, hashes } = await newRecoveryCodes();
  const ok = await withPlatform(async (tx) => {
    const admin = await lockAdmin(tx, ctx.adminId);
    if (!admin.mfaEnabled) throw new InvalidStateError('MFA is not enabled');
    if ((await verifySecondFactor(tx, admin, code)) !== 'totp') return false;
    await tx.update(administrators).set({ mfaRecoveryCodes: hashes, updatedAt: new Date() }).where(eq(administrators.id, admin.id));
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'mfa.recovery_codes_regenerated',
      resourceType: 'administrator',
      resourceId: admin.id,
    });
    return true;
  });
  if (!ok) throw new ValidationError('Enter a current code from your authenticator app', [{ path: 'code', message: 'invalid code' }]);
  return { recoveryCodes: plain };
}

export async function mfaStatus({ ctx }: { ctx: AdminContext }) {
  const [row] = await withPlatform((tx) =>
    tx
      .select({
        enabled: administrators.mfaEnabled,
        verifiedAt: administrators.mfaVerifiedAt,
        pending: administrators.mfaSecretEncrypted,
        codes: administrators.mfaRecoveryCodes,
      })
      .from(administrators)
      .where(eq(administrators.id, ctx.adminId)),
  );
  return {
    enabled: row?.enabled ?? false,
    verifiedAt: row?.verifiedAt?.toISOString() ?? null,
    enrolmentPending: !row?.enabled && !!row?.pending,
    recoveryCodesLeft: row?.codes.length ?? 0,
    sessionVerified: ctx.mfa,
  };
}

/**
 * The setup link's MFA (lib/governance/setup.ts): the TOTP secret is derived from the link's
 * token (HMAC-SHA256, 20 bytes, base32), so the page can show it and the submit can check it
 * without storing anything before the account exists; only the link's holder can derive it.
 */
export function setupMfaSecret(token: string): string {
  const bytes = crypto.createHmac('sha256', 'radiant-setup-mfa-v1').update(token, 'utf8').digest().subarray(0, 20);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

export async function setupMfaEnrolment(token: string, email: string): Promise<Omit<MfaEnrolment, 'qrDataUrl'> & { qrDataUrl: string }> {
  const secret = setupMfaSecret(token);
  const otpauthUrl = generateURI({ issuer: MFA_ISSUER, label: email, secret });
  return { secret, otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 1, width: 220 }) };
}

/** Turns MFA on for an administrator row just created in `tx` (setup link), from a code already
 * checked against `secret` at time step `step`; returns the recovery codes (shown once). */
export async function enableMfaInTransaction(tx: Tx, adminId: string, secret: string, step: number): Promise<string[]> {
  const { plain, hashes } = await newRecoveryCodes();
  await tx
    .update(administrators)
    .set({
      mfaEnabled: true,
      mfaSecretEncrypted: encryptSecret(secret, secretContext(adminId)),
      mfaVerifiedAt: new Date(),
      mfaLastTimeStep: step,
      mfaRecoveryCodes: hashes,
      updatedAt: new Date(),
    })
    .where(eq(administrators.id, adminId));
  return plain;
}
