/**
 * Who is calling a billing verb: an administrator (AdminContext, built by the route handler from
 * the session) or the system (SystemContext: the scheduler, the CLI). Passed to every verb as
 * `ctx`; audit rows take their actor and request metadata from it.
 */
import crypto from 'node:crypto';
import type { AuditEntry } from '@/lib/governance/audit';
import type { AdminContext, SystemContext } from '@/lib/governance/context';

export type { AdminContext, SystemContext };
export type BillingCtx = AdminContext | SystemContext;

export function isAdminCtx(ctx: BillingCtx): ctx is AdminContext {
  return 'adminId' in ctx;
}

export function systemCtx(system: string): SystemContext {
  return { system, ip: null, userAgent: null, requestId: crypto.randomUUID() };
}

/** administrators.id of the caller, or null for the system. */
export function actorId(ctx: BillingCtx): string | null {
  return isAdminCtx(ctx) ? ctx.adminId : null;
}

export function auditFields(ctx: BillingCtx): Pick<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId'> {
  const meta = { ip: ctx.ip, userAgent: ctx.userAgent, requestId: ctx.requestId };
  return isAdminCtx(ctx)
    ? { actor: { type: 'admin', id: ctx.adminId, email: ctx.email }, ...meta }
    : { actor: { type: 'system', email: `system:${ctx.system}` }, ...meta };
}
