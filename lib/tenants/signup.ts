/**
 * Optional self-service sign-up (`RADIANT_SIGNUP=open`; off by default: the page and the verbs
 * answer 404). A new company gives its name, the person's name, an e-mail and a password:
 *
 *   signUp       creates the tenant (insertTenant, the one way a tenant is made; tier 1, the free
 *                tier, with a monthly budget of RADIANT_SIGNUP_MONTHLY_BUDGET, default 10) and
 *                its owner with status 'unverified', and mails a verification link (a 32-byte
 *                token, SHA-256 stored in password_reset_tokens with purpose 'verify_email',
 *                valid VERIFY_TTL_HOURS, single use). The answer is the same whether or not the
 *                address already has a login: a taken address gets a mail saying so (an
 *                unverified one a fresh link) and nothing is created. The password is hashed on
 *                every path so the time taken says nothing either. Limited like sign-in: every
 *                sign-up is counted in login_attempts (audience 'signup'; 5 per address and 50
 *                per client address in 15 minutes, lib/auth/throttle.ts). Audited.
 *   verifyEmail  token -> the owner becomes active (the token is used up); only then can they
 *                sign in (an unverified owner is refused with a message saying to verify).
 *
 * Links are mailed when SMTP_URL is set, else only logged (the mailer's log); with
 * RADIANT_DEMO_SHOW_RESET_LINK=1 (demo and tests) the link is also returned to be shown, as the
 * password reset does.
 */
import crypto from 'node:crypto';
import { and, eq, gt, isNull, like, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../db/client';
import { passwordResetTokens, tenantInvitations, tenants, users } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { ConflictError, NotFoundError, RateLimitedError, ValidationError } from '../errors';
import { publicBaseUrl } from '../governance/config';
import { ExpiredError } from '../governance/errors';
import { getMailer } from '../governance/mailer';
import { hashPassword, passwordProblem } from '../governance/passwords';
import { admitAttempt, settleAttempt } from '../auth/throttle';
import { describeUserToken, lockUserToken, newUserToken, tokenHash, type DescribedUserToken } from '../auth/user-tokens';
import { logger } from '../observability/logger';
import { auditFields, writeAudit } from '../platform/audit';
import type { SystemContext } from '../platform/context';
import { insertTenant } from './lifecycle';

export const VERIFY_TTL_HOURS = 24;
const VERIFY_MAX_PER_HOUR = 3;
const FREE_TIER = 1;

export const SIGNUP_MESSAGE =
  'Thank you. We have sent a link to that address: open it to verify the address and finish creating your account (the link works once, for 24 hours). If the address already has an account, the mail says so instead.';

/** Whether self-service sign-up is on (RADIANT_SIGNUP=open). */
export function signupOpen(env: Record<string, string | undefined> = process.env): boolean {
  return env.RADIANT_SIGNUP === 'open';
}

function assertOpen(): void {
  if (!signupOpen()) throw new NotFoundError('Not found');
}

export const signUpSchema = z.object({
  companyName: z.string().trim().min(2, 'At least 2 characters').max(255, 'At most 255 characters'),
  name: z.string().trim().min(1, 'Enter your name').max(200, 'At most 200 characters'),
  email: z.email('Enter an e-mail address').trim().toLowerCase().max(255),
  password: z.string().max(1024),
});
export type SignUpInput = z.input<typeof signUpSchema>;

export interface SignUpResult {
  message: string;
  /** Only without SMTP and only when RADIANT_DEMO_SHOW_RESET_LINK=1 (tests/demo): the link. */
  devLink?: string;
}

/** A URL-safe slug from the company name ("Acme & Sons, Ltd." -> "acme-sons-ltd"). */
export function slugFrom(companyName: string): string {
  const base = companyName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return base.length >= 2 ? base : `company${base ? `-${base}` : ''}`;
}

/** The company's slug, or the first free `<slug>-2`, `-3`, ... (then a random suffix). */
async function freeSlug(tx: Tx, base: string): Promise<string> {
  const taken = new Set(
    (
      await tx
        .select({ slug: tenants.slug })
        .from(tenants)
        .where(like(tenants.slug, `${base}%`))
    ).map((r) => r.slug),
  );
  if (!taken.has(base)) return base;
  for (let i = 2; i < 100; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
  return `${base}-${crypto.randomBytes(3).toString('hex')}`;
}

function monthlyBudget(): string | null {
  const v = process.env.RADIANT_SIGNUP_MONTHLY_BUDGET;
  if (v === undefined || v.trim() === '') return '10';
  if (v.trim() === 'none') return null;
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(v.trim())) throw new Error('RADIANT_SIGNUP_MONTHLY_BUDGET must be an amount such as 10 or 25.50, or "none"');
  return v.trim();
}

async function insertVerificationToken(tx: Tx, tenantId: string, userId: string, ip: string | null): Promise<string> {
  const token = newUserToken();
  await tx.insert(passwordResetTokens).values({
    tenantId,
    userId,
    tokenHash: tokenHash(token),
    purpose: 'verify_email',
    expiresAt: sql`now() + make_interval(hours => ${VERIFY_TTL_HOURS})`,
    requestedIp: ip && ip.length <= 45 ? ip : null,
  });
  return token;
}

type Outcome =
  | { kind: 'created'; email: string; token: string; tenantName: string }
  | { kind: 'resent'; email: string; token: string }
  | { kind: 'taken'; email: string }
  | { kind: 'quiet' };

export async function signUp({ ctx, input, baseUrl }: { ctx: SystemContext; input: SignUpInput; baseUrl?: string }): Promise<SignUpResult> {
  assertOpen();
  const parsed = signUpSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      'Please correct the highlighted fields.',
      parsed.error.issues.map((i) => ({ path: String(i.path[0] ?? ''), message: i.message })),
    );
  }
  const d = parsed.data;
  const problem = passwordProblem(d.password, d.email);
  if (problem) throw new ValidationError('Choose a stronger password', [{ path: 'password', message: problem }]);

  // Counted like a sign-in, atomically with the attempt (lib/auth/throttle.ts).
  const admission = await withPlatform((tx) => admitAttempt(tx, { audience: 'signup', email: d.email, ip: ctx.ip }));
  if (!admission.admitted) {
    const s = admission.state.retryAfterSeconds;
    throw new RateLimitedError(`Too many sign-ups from here. Try again in ${Math.ceil(s / 60)} minute${s > 60 ? 's' : ''}.`, s);
  }
  // Hashed on every path: the answer takes as long whether or not the address is taken.
  const passwordHash = await hashPassword(d.password);
  const budget = monthlyBudget();

  const outcome: Outcome = await withPlatform(async (tx) => {
    // Every sign-up stays counted (5 per address, 50 per client address in the window).
    await settleAttempt(tx, admission.attemptId, { success: false, reason: 'signup' });
    const [existing] = await tx
      .select({ id: users.id, tenantId: users.tenantId, email: users.email, status: users.status })
      .from(users)
      .where(and(sql`lower(${users.email}) = ${d.email}`, isNull(users.deletedAt)));
    if (existing?.status === 'unverified') {
      const [recent] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(passwordResetTokens)
        .where(
          and(
            eq(passwordResetTokens.userId, existing.id),
            eq(passwordResetTokens.purpose, 'verify_email'),
            gt(passwordResetTokens.createdAt, sql`now() - interval '1 hour'`),
          ),
        );
      if (Number(recent?.n ?? 0) >= VERIFY_MAX_PER_HOUR) return { kind: 'quiet' };
      const token = await insertVerificationToken(tx, existing.tenantId, existing.id, ctx.ip);
      return { kind: 'resent', email: existing.email, token };
    }
    const [invited] = await tx
      .select({ id: tenantInvitations.id })
      .from(tenantInvitations)
      .where(and(sql`lower(${tenantInvitations.email}) = ${d.email}`, eq(tenantInvitations.status, 'pending'), sql`${tenantInvitations.expiresAt} > now()`));
    if (existing || invited) return { kind: 'taken', email: d.email };

    const slug = await freeSlug(tx, slugFrom(d.companyName));
    const tenant = await insertTenant(tx, ctx, {
      name: d.companyName,
      slug,
      billingEmail: d.email,
      currency: 'USD',
      taxRatePercent: '0',
      tier: FREE_TIER,
      monthlyBudget: budget,
      notes: 'Self-service sign-up',
    });
    const [user] = await tx
      .insert(users)
      .values({ tenantId: tenant.id, email: d.email, name: d.name, role: 'owner', passwordHash, status: 'unverified' })
      .returning({ id: users.id });
    await writeAudit(tx, {
      ...auditFields(ctx),
      actor: { type: 'tenant_user', id: user!.id, email: d.email },
      tenantId: tenant.id,
      action: 'tenant_user.signed_up',
      resourceType: 'user',
      resourceId: user!.id,
      newValues: { email: d.email, name: d.name, role: 'owner', status: 'unverified', tenant: { id: tenant.id, slug: tenant.slug } },
    });
    const token = await insertVerificationToken(tx, tenant.id, user!.id, ctx.ip);
    return { kind: 'created', email: d.email, token, tenantName: tenant.name };
  });

  const base = publicBaseUrl(baseUrl);
  const mailer = getMailer();
  let link: string | null = null;
  let mail: { to: string; subject: string; text: string } | null = null;
  if (outcome.kind === 'created' || outcome.kind === 'resent') {
    link = `${base}/verify-email/${outcome.token}`;
    mail = {
      to: outcome.email,
      subject: 'Verify your e-mail address for RADIANT',
      text: [
        outcome.kind === 'created'
          ? `Someone (hopefully you) signed up ${outcome.tenantName} on RADIANT with this address.`
          : 'Someone (hopefully you) signed up on RADIANT again with this address, which is not verified yet.',
        '',
        `Verify the address to finish (valid ${VERIFY_TTL_HOURS} hours, single use):`,
        link,
        '',
        'If it was not you, ignore this mail: nothing can be done with the account until the address is verified.',
      ].join('\n'),
    };
  } else if (outcome.kind === 'taken') {
    mail = {
      to: outcome.email,
      subject: 'You already have a RADIANT account',
      text: [
        'Someone (hopefully you) tried to sign up on RADIANT with this address, which already has an account or a pending invitation.',
        '',
        `Sign in: ${base}/portal/sign-in`,
        `Forgot your password? ${base}/password/forgot`,
        '',
        'If it was not you, ignore this mail: nothing was changed.',
      ].join('\n'),
    };
  }
  // Not awaited: the answer must not take longer on one path than another.
  if (mail) void mailer.send(mail).catch((err: unknown) => logger.error({ err, requestId: ctx.requestId }, 'sign-up mail failed'));
  if (link && mailer.kind !== 'smtp' && process.env.RADIANT_DEMO_SHOW_RESET_LINK === '1') return { message: SIGNUP_MESSAGE, devLink: link };
  return { message: SIGNUP_MESSAGE };
}

/** What the verification page shows for a token (no side effect: mail scanners open links). */
export async function describeVerificationToken(token: string): Promise<DescribedUserToken> {
  if (!signupOpen()) return { ok: false, reason: 'invalid' };
  return describeUserToken('verify_email', token);
}

export async function verifyEmail({ ctx, input }: { ctx: SystemContext; input: { token?: unknown } }): Promise<{ email: string }> {
  assertOpen();
  const token = typeof input.token === 'string' ? input.token : '';
  if (!token || token.length > 200) throw new NotFoundError('This verification link is not valid');
  const expired = Symbol('expired');
  const out = await withPlatform(async (tx) => {
    const t = await lockUserToken(tx, 'verify_email', token);
    if (!t || t.deletedAt) throw new NotFoundError('This verification link is not valid');
    if (t.r.usedAt || t.status !== 'unverified') throw new ConflictError('This link has already been used: sign in with your e-mail and password');
    if (t.expired) return expired;
    const now = new Date();
    await tx.update(users).set({ status: 'active', updatedAt: now }).where(eq(users.id, t.r.userId));
    // This link and every other open verification link of the person are used up.
    await tx
      .update(passwordResetTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordResetTokens.userId, t.r.userId), eq(passwordResetTokens.purpose, 'verify_email'), isNull(passwordResetTokens.usedAt)));
    await writeAudit(tx, {
      ...auditFields(ctx),
      actor: { type: 'tenant_user', id: t.r.userId, email: t.email },
      tenantId: t.r.tenantId,
      action: 'tenant_user.email_verified',
      resourceType: 'user',
      resourceId: t.r.userId,
      oldValues: { status: 'unverified' },
      newValues: { status: 'active' },
    });
    return { email: t.email };
  });
  if (out === expired) throw new ExpiredError('This verification link has expired: sign up again with the same address to get a new one');
  return out;
}
