import { z } from 'zod';
import { adminRoute } from '@/lib/auth/api';
import { loadExecutors } from '@/lib/governance/executor-modules';
import { listExecutors } from '@/lib/governance/executors';

export const dynamic = 'force-dynamic';

/** The changes that can be proposed: action, type, default risk, label and payload JSON Schema. */
export const GET = adminRoute('approvals.read', async () => {
  await loadExecutors();
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
