/**
 * Routing rules are proposals (issue 17): a rule decides which model answers and so what tenants
 * are billed, so saving or deleting one from the console PROPOSES it (routing.save_rule /
 * routing.delete_rule); nothing changes until a second administrator approves, and the request's
 * preview shows the price effect per redirected model (reference mix, exact decimals) like a
 * markup change.
 */
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { deleteRoutingRule, saveRoutingRule } from '../../lib/admin-views/providers';
import type { Db } from '../../lib/db/client';
import { markupOverrides, routingRules } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { ForbiddenError } from '../../lib/errors';
import { approveRequest, getRequest } from '../../lib/governance/approvals';
import { SelfApprovalError } from '../../lib/governance/errors';
import { testDb } from '../support/db';
import { uniqueSuffix } from '../support/factories';
import { createAdmin, ctxOf, type AdminRow } from '../governance/helpers';

let db: Db;
let operator: AdminRow;
let admin: AdminRow;
let big: string;
let small: string;

beforeAll(async () => {
  db = (await testDb()).db;
  [operator, admin] = await Promise.all([createAdmin(db, 'operator'), createAdmin(db, 'admin')]);
  const s = uniqueSuffix();
  const provider = `route-test-${s}`;
  big = `route-big-${s}`;
  small = `route-small-${s}`;
  await withPlatform(async (tx) => {
    await tx.execute(
      sql`INSERT INTO providers (id, name, display_name, category, enabled) VALUES (${provider}, ${provider}, ${'Routing test ' + s}, 'text_generation', true)`,
    );
    // 1M input + 1M output tokens cost 10.00 (big) and 2.00 (small).
    for (const [id, inp, out] of [
      [big, '0.002', '0.008'],
      [small, '0.0004', '0.0016'],
    ] as const) {
      await tx.execute(sql`INSERT INTO models (id, provider_id, provider_model_id, litellm_id, name, display_name, category, pricing_type, input_cost_per_1k, output_cost_per_1k, enabled)
        VALUES (${id}, ${provider}, ${id}, ${'t/' + id}, ${id}, ${id}, 'text_generation', 'per_token', ${inp}, ${out}, true)`);
    }
    // Model-level markups: 50% on big (price 15), 20% on small (price 2.4).
    await tx.insert(markupOverrides).values([
      { scope: 'model', modelId: big, markupPercent: '50', reason: 'test' },
      { scope: 'model', modelId: small, markupPercent: '20', reason: 'test' },
    ]);
  }, db);
});

const rulesNamed = (name: string) => withPlatform((tx) => tx.select().from(routingRules).where(eq(routingRules.name, name)), db);

describe('routing rules through the two-person rule', () => {
  it('a saved rule is a pending request with its price effect; it applies only on a second administrator’s approval', async () => {
    const name = `cheaper ${uniqueSuffix()}`;
    const proposed = await saveRoutingRule({
      ctx: ctxOf(operator),
      input: { name, priority: 10, enabled: true, action: 'route', models: big, categories: '', capabilities: '', fallbackModels: '', targetModel: small },
    });
    expect(await rulesNamed(name)).toHaveLength(0);
    const req = await getRequest({ ctx: ctxOf(admin), input: { id: proposed.id } });
    expect(req.request).toMatchObject({ action: 'routing.save_rule', status: 'pending' });
    const effect = (req.preview ?? []).find((c) => c.resourceType === 'price_effect' && c.resourceId === big);
    expect(effect).toMatchObject({
      before: { answeredBy: big, price: '15' },
      after: { answeredBy: small, price: '2.4', change: '-12.6', changePercent: '-84' },
    });
    // Operators cannot approve at all (the proposer, or another one).
    await expect(approveRequest({ ctx: ctxOf(operator, { mfa: true }), input: { id: proposed.id } })).rejects.toBeInstanceOf(ForbiddenError);
    const otherOperator = await createAdmin(db, 'operator');
    await expect(approveRequest({ ctx: ctxOf(otherOperator, { mfa: true }), input: { id: proposed.id } })).rejects.toBeInstanceOf(ForbiddenError);
    await approveRequest({ ctx: ctxOf(admin, { mfa: true }), input: { id: proposed.id } });
    const [rule] = await rulesNamed(name);
    expect(rule).toMatchObject({ action: 'route', targetModel: small, conditions: { models: [big] }, priority: 10 });

    // Deleting is a proposal too, with the reverse price effect; an admin cannot approve their own.
    const del = await deleteRoutingRule({ ctx: ctxOf(admin), id: rule!.id });
    expect(await rulesNamed(name)).toHaveLength(1);
    const delReq = await getRequest({ ctx: ctxOf(admin), input: { id: del.id } });
    expect((delReq.preview ?? []).find((c) => c.resourceType === 'price_effect')).toMatchObject({
      before: { answeredBy: small, price: '2.4' },
      after: { answeredBy: big, price: '15', change: '12.6', changePercent: '525' },
    });
    await expect(approveRequest({ ctx: ctxOf(admin, { mfa: true }), input: { id: del.id } })).rejects.toBeInstanceOf(SelfApprovalError);
    expect(await rulesNamed(name)).toHaveLength(1);
    await approveRequest({ ctx: ctxOf(await createAdmin(db, 'admin'), { mfa: true }), input: { id: del.id } });
    expect(await rulesNamed(name)).toHaveLength(0);
  });

  it('roles without catalog.propose cannot propose a rule', async () => {
    const auditor = await createAdmin(db, 'auditor');
    await expect(
      saveRoutingRule({
        ctx: ctxOf(auditor),
        input: { name: 'nope', priority: 1, enabled: true, action: 'block', models: big, categories: '', capabilities: '', fallbackModels: '' },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});
