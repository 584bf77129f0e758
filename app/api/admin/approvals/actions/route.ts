import { z } from 'zod';
import { adminRoute } from '@/lib/auth/api';
import { listExecutors } from '@/lib/governance/executor-registry';

export const dynamic = 'force-dynamic';

/** The changes that can be proposed: action, type, default risk, label and payload JSON Schema. */
export const GET = adminRoute('approvals.read', async () => {
  return {
    items: listExecutors().map((e) => ({
      action: e.action,
      type: e.type,
      defaultRisk: e.defaultRisk,
      label: e.label ?? e.action,
      proposePermission: e.proposePermission ?? 'approvals.propose',
      payloadSchema: z.toJSONSchema(e.validate, { io: 'input', unrepresentable: 'any' }),
    })),
  };
});
