'use server';

import { z } from 'zod';
import { discardQuarantined, replayQuarantined } from '@/lib/admin-views/metering';
import { requireAdmin } from '@/lib/auth/session';
import { ValidationError } from '@/lib/errors';
import { runAction } from '@/lib/http/action';

const replayForm = z.object({
  id: z.string().uuid(),
  /** The ledger row as JSON, edited or not (the form shows the stored payload). */
  payload: z.string().trim().min(2).max(100_000),
  kind: z.enum(['usage', 'log', 'rejection']).optional(),
  reason: z.string().trim().max(500).optional(),
});

/** Repair (the payload as edited) and replay one quarantined event; audited in the lib. */
export async function replayQuarantineAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('billing.run');
    const f = replayForm.parse(input);
    let payload: unknown;
    try {
      payload = JSON.parse(f.payload);
    } catch {
      throw new ValidationError('The row is not valid JSON', [{ path: 'payload', message: 'not valid JSON' }]);
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload))
      throw new ValidationError('The row must be a JSON object', [{ path: 'payload', message: 'must be an object' }]);
    const done = await replayQuarantined({
      ctx,
      input: { id: f.id, payload, ...(f.kind ? { kind: f.kind } : {}), ...(f.reason ? { reason: f.reason } : {}) },
    });
    return { id: done.id, status: done.status };
  });
}

export async function discardQuarantineAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('billing.run');
    const f = z.object({ id: z.string().uuid(), reason: z.string() }).parse(input);
    const done = await discardQuarantined({ ctx, input: { id: f.id, reason: f.reason } });
    return { id: done.id, status: done.status };
  });
}
