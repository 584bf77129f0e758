'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { runAction } from '@/lib/http/action';
import { requireAdmin } from '@/lib/auth/session';
import { approveRequest, cancelRequest, proposeChange, rejectRequest } from '@/lib/governance/approvals';
import { ValidationError } from '@/lib/errors';
import { takeInvitationLink } from '@/lib/governance/changes/invitations';

const decision = z.object({ id: z.uuid(), notes: z.string().max(5000).optional() });

export async function approveAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('approvals.approve');
    const { id, notes } = decision.parse(input);
    const r = await approveRequest({ ctx, input: { id, notes } });
    revalidatePath('/admin/approvals');
    // admin.invite without SMTP: the approver (not the proposer) gets the link once, to hand over.
    const link = r.action === 'admin.invite' ? takeInvitationLink(r.id) : null;
    return { id: r.id, status: r.status, ...(link ? { link } : {}) };
  }, 'Approved: the change has been applied.');
}

export async function rejectAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('approvals.approve');
    const { id, notes } = decision.parse(input);
    const r = await rejectRequest({ ctx, input: { id, notes } });
    revalidatePath('/admin/approvals');
    return { id: r.id, status: r.status };
  }, 'Rejected.');
}

export async function cancelAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('approvals.propose');
    const { id, notes } = decision.parse(input);
    const r = await cancelRequest({ ctx, input: { id, notes } });
    revalidatePath('/admin/approvals');
    return { id: r.id, status: r.status };
  }, 'Cancelled.');
}

const proposal = z.object({
  action: z.string().min(1, 'choose what to change'),
  payload: z.string().min(2, 'enter the payload as JSON'),
  title: z.string().max(255).optional(),
  description: z.string().max(5000).optional(),
  riskLevel: z.enum(['', 'low', 'medium', 'high', 'critical']).optional(),
  impactAnalysis: z.string().max(5000).optional(),
  rollbackPlan: z.string().max(5000).optional(),
});

export async function proposeAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('approvals.propose');
    const p = proposal.parse(input);
    let payload: unknown;
    try {
      payload = JSON.parse(p.payload);
    } catch {
      throw new ValidationError('The payload must be JSON', [{ path: 'payload', message: 'not valid JSON' }]);
    }
    const r = await proposeChange({
      ctx,
      input: {
        action: p.action,
        payload,
        title: p.title,
        description: p.description,
        ...(p.riskLevel ? { riskLevel: p.riskLevel } : {}),
        impactAnalysis: p.impactAnalysis,
        rollbackPlan: p.rollbackPlan,
      },
    });
    revalidatePath('/admin/approvals');
    return { id: r.id, title: r.title };
  }, 'Proposed: another administrator must approve it.');
}
