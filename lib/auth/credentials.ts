/**
 * Checking credentials, framework-free (Auth.js's Credentials providers call these; tests too).
 *
 * Administrators: found on the platform path; password (argon2id), then, when MFA is on, a TOTP
 * or recovery code (second step). Tenant users: found by e-mail on the platform path (e-mails are
 * unique platform-wide, so the e-mail names the tenant), then checked and updated with
 * withTenant. Every attempt is recorded in login_attempts, counted atomically with the attempt
 * (./throttle.ts); successful sign-ins and lock-outs are audited, failed attempts are not (they
 * stay in login_attempts, which has a retention job, instead of the append-only audit log).
 * The refusal never says whether the e-mail exists.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { z } from 'zod';
import { administrators, tenants, users } from '../db/schema';
import { withPlatform, withTenant } from '../db/tenant';
import { writeAudit } from '../platform/audit';
import type { PublicContext } from '../platform/context';
import { verifySecondFactor } from '../governance/mfa';
import { dummyPasswordHash, verifyPassword } from '../governance/passwords';
import { newAdminClaims, newTenantClaims, type AdminClaims, type TenantClaims } from './claims';
import { admitAttempt, settleAttempt, type Audience } from './throttle';

export type SignInRefusal = 'invalid_credentials' | 'mfa_required' | 'mfa_invalid' | 'throttled' | 'inactive' | 'unverified';

export const SIGN_IN_MESSAGES: Record<SignInRefusal, string> = {
  invalid_credentials: 'The e-mail address or password is not correct.',
  mfa_required: 'Enter the 6-digit code from your authenticator app (or a recovery code).',
  mfa_invalid: 'That code is not valid. Check the time on your device and try again.',
  throttled: 'Too many failed sign-in attempts. Wait a few minutes and try again.',
  inactive: 'This account is not active. Ask an administrator.',
  unverified: 'Verify your e-mail address first: open the link we sent you when you signed up (signing up again sends a new one).',
};

export class SignInRefused extends Error {
  constructor(
    readonly reason: SignInRefusal,
    readonly retryAfterSeconds?: number,
  ) {
    super(
      reason === 'throttled' && retryAfterSeconds
        ? `Too many failed sign-in attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute${retryAfterSeconds > 60 ? 's' : ''}.`
        : SIGN_IN_MESSAGES[reason],
    );
    this.name = 'SignInRefused';
  }
}

const inputSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(255)),
  password: z.string().min(1).max(1024),
  totp: z.string().trim().max(40).optional(),
});

export interface SignInInput {
  email?: unknown;
  password?: unknown;
  totp?: unknown;
}

type Meta = PublicContext;

type Outcome<C> = { ok: true; claims: C } | { ok: false; refusal: SignInRefused };

function parse(input: SignInInput) {
  const totp = typeof input.totp === 'string' && input.totp.trim() !== '' ? input.totp : undefined;
  return inputSchema.safeParse({ email: input.email, password: input.password, ...(totp ? { totp } : {}) });
}

/** Admits the attempt (counted atomically with it) or throws SignInRefused('throttled'). */
async function admit(audience: Audience, email: string, meta: Meta): Promise<string> {
  const ip = meta.ip ?? null;
  const r = await withPlatform((tx) => admitAttempt(tx, { audience, email, ip }));
  if (r.admitted) return r.attemptId;
  throw new SignInRefused('throttled', r.state.retryAfterSeconds);
}

/** Records the outcome; a failure that starts a lock-out is audited (once per lock-out step). */
async function settle(
  q: Queryable,
  audience: Audience,
  attemptId: string,
  email: string,
  meta: Meta,
  outcome: { success: true } | { success: false; reason: SignInRefusal | 'mfa_required' | 'sso_unknown' },
  tenantId?: string | null,
): Promise<void> {
  const ip = meta.ip ?? null;
  const { lockedOut } = await settleAttempt(q, attemptId, outcome, outcome.success ? undefined : { audience, email, ip });
  if (!lockedOut) return;
  await writeAudit(q, {
    actor: { type: audience === 'admin' ? 'admin' : 'tenant_user', id: null, email },
    ...(tenantId ? { tenantId } : {}),
    ip,
    userAgent: meta.userAgent ?? null,
    requestId: meta.requestId ?? null,
    action: 'auth.locked_out',
    resourceType: audience === 'admin' ? 'administrator' : 'user',
    metadata: { audience, scope: lockedOut.scope, retryAfterSeconds: lockedOut.retryAfterSeconds },
  });
}

export async function authenticateAdmin({ ctx: meta, input }: { ctx: PublicContext; input: SignInInput }): Promise<AdminClaims> {
  const parsed = parse(input);
  if (!parsed.success) throw new SignInRefused('invalid_credentials');
  const { email, password, totp } = parsed.data;
  const ip = meta.ip ?? null;
  const attemptId = await admit('admin', email, meta);

  const outcome: Outcome<AdminClaims> = await withPlatform(async (tx) => {
    const [admin] = await tx
      .select()
      .from(administrators)
      .where(and(sql`lower(${administrators.email}) = ${email}`, isNull(administrators.deletedAt)))
      .for('update');
    const passwordOk = await verifyPassword(admin?.passwordHash ?? (await dummyPasswordHash()), password);
    let refusal: SignInRefusal | null = null;
    let method: 'password' | 'totp' | 'recovery' = 'password';
    if (!admin || !admin.passwordHash || !passwordOk) refusal = 'invalid_credentials';
    else if (admin.status !== 'active') refusal = 'inactive';
    else if (admin.mfaEnabled) {
      if (!totp) {
        await settle(tx, 'admin', attemptId, email, meta, { success: false, reason: 'mfa_required' });
        return { ok: false, refusal: new SignInRefused('mfa_required') };
      }
      const used = await verifySecondFactor(tx, admin, totp);
      if (!used) refusal = 'mfa_invalid';
      else method = used;
    }
    if (refusal) {
      // Failures go to login_attempts only (not the append-only audit log); lock-outs are audited.
      await settle(tx, 'admin', attemptId, email, meta, { success: false, reason: refusal });
      return { ok: false, refusal: new SignInRefused(refusal) };
    }
    await tx.update(administrators).set({ lastLoginAt: new Date() }).where(eq(administrators.id, admin!.id));
    await settle(tx, 'admin', attemptId, email, meta, { success: true });
    await writeAudit(tx, {
      actor: { type: 'admin' as const, id: admin!.id, email: admin!.email },
      ip,
      userAgent: meta.userAgent ?? null,
      requestId: meta.requestId ?? null,
      resourceType: 'administrator',
      resourceId: admin!.id,
      action: 'auth.sign_in',
      metadata: { audience: 'admin', method, mfa: method !== 'password' },
    });
    return { ok: true, claims: newAdminClaims({ userId: admin!.id, email: admin!.email, role: admin!.role, mfa: method !== 'password' }) };
  });
  if (!outcome.ok) throw outcome.refusal;
  return outcome.claims;
}

export async function authenticateTenantUser({ ctx: meta, input }: { ctx: PublicContext; input: SignInInput }): Promise<TenantClaims> {
  const parsed = parse(input);
  if (!parsed.success) throw new SignInRefused('invalid_credentials');
  const { email, password } = parsed.data;
  const ip = meta.ip ?? null;
  const m = { ip, userAgent: meta.userAgent ?? null, requestId: meta.requestId ?? null };
  const attemptId = await admit('tenant', email, meta);

  // 1. Which tenant? The only cross-tenant read: the e-mail -> (user, tenant) lookup.
  const [found] = await withPlatform((tx) =>
    tx
      .select({ id: users.id, tenantId: users.tenantId })
      .from(users)
      .where(and(sql`lower(${users.email}) = ${email}`, isNull(users.deletedAt))),
  );

  // 2. Everything else inside that tenant.
  let refusal: SignInRefusal | null = null;
  let claims: TenantClaims | null = null;
  if (!found) {
    await verifyPassword(await dummyPasswordHash(), password);
    refusal = 'invalid_credentials';
  } else {
    const r = await withTenant(found.tenantId, async (tx) => {
      const [u] = await tx.select().from(users).where(eq(users.id, found.id)).for('update');
      const [t] = await tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, found.tenantId));
      const ok = await verifyPassword(u?.passwordHash ?? (await dummyPasswordHash()), password);
      let why: SignInRefusal | null = null;
      if (!u || !u.passwordHash || !ok) why = 'invalid_credentials';
      // Told only to someone who knows the password: a sign-up that has not verified its e-mail.
      else if (u.status === 'unverified') why = 'unverified';
      else if (u.status !== 'active' || t?.status !== 'active') why = 'inactive';
      if (why) return { why, claims: null };
      await tx.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, u!.id));
      await writeAudit(tx, {
        actor: { type: 'tenant_user' as const, id: u!.id, email: u!.email },
        tenantId: found.tenantId,
        ...m,
        resourceType: 'user',
        resourceId: u!.id,
        action: 'auth.sign_in',
        metadata: { audience: 'tenant' },
      });
      return { why: null, claims: newTenantClaims({ userId: u!.id, email: u!.email, role: u!.role, tenantId: found.tenantId }) };
    });
    refusal = r.why;
    claims = r.claims;
  }
  await withPlatform((tx) => settle(tx, 'tenant', attemptId, email, meta, refusal ? { success: false, reason: refusal } : { success: true }));
  if (refusal || !claims) throw new SignInRefused(refusal ?? 'invalid_credentials');
  return claims;
}

/** What the signIn callback hands over from a verified ID token (Auth.js's `profile`). */
export interface OidcProfile {
  email?: unknown;
  email_verified?: unknown;
  amr?: unknown;
  sub?: unknown;
  iss?: unknown;
}

export type OidcRefusal = 'sso_unverified' | 'sso_unknown' | 'inactive' | 'throttled';

export const OIDC_MESSAGES: Record<OidcRefusal, string> = {
  sso_unverified: 'Your identity provider did not confirm your e-mail address, so single sign-on cannot match you to an administrator.',
  sso_unknown: 'Single sign-on worked, but no administrator has that e-mail address. Ask a super_admin to invite you.',
  inactive: 'This administrator account is not active. Ask a super_admin.',
  throttled: SIGN_IN_MESSAGES.throttled,
};

export class OidcSignInRefused extends Error {
  constructor(readonly reason: OidcRefusal) {
    super(OIDC_MESSAGES[reason]);
    this.name = 'OidcSignInRefused';
  }
}

/**
 * Single sign-on (./oidc.ts): the IdP-verified e-mail maps to an ACTIVE administrator. The
 * attempt goes through the same throttle and login_attempts as a password sign-in; success is
 * audited as auth.sign_in (method "oidc", the issuer and subject, whether MFA counted).
 */
export async function authenticateAdminOidc({
  ctx: meta,
  input: profile,
  mfaFromAmr = false,
}: {
  ctx: PublicContext;
  input: OidcProfile;
  /** The IdP's amr claim counts as a second factor (OIDC_TRUST_AMR). */
  mfaFromAmr?: boolean;
}): Promise<AdminClaims> {
  const verified = profile.email_verified === true || profile.email_verified === 'true';
  const parsedEmail = z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(255)).safeParse(profile.email);
  if (!verified || !parsedEmail.success) throw new OidcSignInRefused('sso_unverified');
  const email = parsedEmail.data;
  let attemptId: string;
  try {
    attemptId = await admit('admin', email, meta);
  } catch (err) {
    if (err instanceof SignInRefused) throw new OidcSignInRefused('throttled');
    throw err;
  }
  const outcome = await withPlatform(async (tx) => {
    const [admin] = await tx
      .select()
      .from(administrators)
      .where(and(sql`lower(${administrators.email}) = ${email}`, isNull(administrators.deletedAt)))
      .for('update');
    const refusal: OidcRefusal | null = !admin ? 'sso_unknown' : admin.status !== 'active' ? 'inactive' : null;
    if (refusal) {
      await settle(tx, 'admin', attemptId, email, meta, { success: false, reason: refusal === 'inactive' ? 'inactive' : 'sso_unknown' });
      return { ok: false as const, refusal };
    }
    await tx.update(administrators).set({ lastLoginAt: new Date() }).where(eq(administrators.id, admin!.id));
    await settle(tx, 'admin', attemptId, email, meta, { success: true });
    await writeAudit(tx, {
      actor: { type: 'admin' as const, id: admin!.id, email: admin!.email },
      ip: meta.ip ?? null,
      userAgent: meta.userAgent ?? null,
      requestId: meta.requestId ?? null,
      resourceType: 'administrator',
      resourceId: admin!.id,
      action: 'auth.sign_in',
      metadata: {
        audience: 'admin',
        method: 'oidc',
        mfa: mfaFromAmr,
        issuer: typeof profile.iss === 'string' ? profile.iss : null,
        subject: typeof profile.sub === 'string' ? profile.sub : null,
        amr: Array.isArray(profile.amr) ? profile.amr.filter((v) => typeof v === 'string').slice(0, 10) : null,
      },
    });
    return { ok: true as const, claims: newAdminClaims({ userId: admin!.id, email: admin!.email, role: admin!.role, mfa: mfaFromAmr }) };
  });
  if (!outcome.ok) throw new OidcSignInRefused(outcome.refusal);
  return outcome.claims;
}
