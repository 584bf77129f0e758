/**
 * The permission matrix, end to end through the route handlers: every governance admin API
 * route in docs/permissions.md, called as every administrator role, as a tenant user and with no
 * session, answers the documented status. Handlers are called directly with a Request; the
 * session is injected through lib/auth/session.ts's test hook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import type { Db } from '../../lib/db/client';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../lib/db/client';
import { approveRequest, proposeChange } from '../../lib/governance/approvals';
import { inviteAdmin } from '../../lib/governance/invitations';
import { memoryMailer, setMailer } from '../../lib/governance/mailer';
import { beginMfaEnrolment, confirmMfaEnrolment } from '../../lib/governance/mfa';
import { ADMIN_ROLES, hasPermission, type AdminRole, type Permission } from '../../lib/governance/permissions';
import { setSessionResolverForTests } from '../../lib/auth/session';
import * as approvals from '../../app/api/admin/approvals/route';
import * as approvalActions from '../../app/api/admin/approvals/actions/route';
import * as approvalOne from '../../app/api/admin/approvals/[id]/route';
import * as approve from '../../app/api/admin/approvals/[id]/approve/route';
import * as reject from '../../app/api/admin/approvals/[id]/reject/route';
import * as cancel from '../../app/api/admin/approvals/[id]/cancel/route';
import * as audit from '../../app/api/admin/audit/route';
import * as admins from '../../app/api/admin/admins/route';
import * as adminRole from '../../app/api/admin/admins/[id]/role/route';
import * as mfa from '../../app/api/admin/admins/me/mfa/route';
import * as mfaEnrol from '../../app/api/admin/admins/me/mfa/enrol/route';
import * as mfaVerify from '../../app/api/admin/admins/me/mfa/verify/route';
import * as mfaDisable from '../../app/api/admin/admins/me/mfa/disable/route';
import * as mfaCodes from '../../app/api/admin/admins/me/mfa/recovery-codes/route';
import * as invitations from '../../app/api/admin/invitations/route';
import * as revoke from '../../app/api/admin/invitations/[id]/revoke/route';
import * as adminDeactivate from '../../app/api/admin/admins/[id]/deactivate/route';
import * as myPassword from '../../app/api/admin/admins/me/password/route';
import { hashPassword } from '../../lib/governance/passwords';
import * as tenantKeys from '../../app/api/admin/tenants/[id]/keys/route';
import * as tenantKeyRevoke from '../../app/api/admin/tenants/[id]/keys/[keyId]/revoke/route';
import { createApiKey } from '../../lib/gateway/keys';
import * as quarantine from '../../app/api/admin/metering/quarantine/route';
import * as quarantineReplay from '../../app/api/admin/metering/quarantine/[id]/replay/route';
import * as quarantineDiscard from '../../app/api/admin/metering/quarantine/[id]/discard/route';
import { testDb } from '../support/db';
import { createTenant, createUser, uniqueSuffix } from '../support/factories';
import { adminSession, createAdmin, createTestCatalog, ctxOf, tenantSession, useSession, type AdminRow } from './helpers';
import { readDoc, tableUnder } from './markdown';

type Handler = (req: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Prepared {
  params?: Record<string, string>;
  body?: unknown;
  query?: string;
}
interface Case {
  handler: Handler;
  /** Builds what the call needs; `caller` is the signed-in administrator (null otherwise). */
  setup?: (caller: AdminRow | null) => Promise<Prepared>;
}

let db: Db;
let initiator: AdminRow;
let superAdmin: AdminRow;
let modelId: string;
let providerOf: string;

const h = (f: unknown) => f as Handler;
const codeAt = (secret: string, offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset });

async function pendingRequest(by: AdminRow = initiator) {
  return proposeChange({
    ctx: ctxOf(by),
    input: { action: 'markup.set_model', payload: { modelId, markupPercent: '42', reason: 'matrix test' } },
  });
}

async function mfaEnrolled(caller: AdminRow): Promise<string> {
  const e = await beginMfaEnrolment({ ctx: ctxOf(caller) });
  await confirmMfaEnrolment({ ctx: ctxOf(caller), input: { code: await codeAt(e.secret) } });
  return e.secret;
}

/** An open quarantined usage row whose payload is a valid ledger row (replay succeeds). */
async function quarantinedUsage(): Promise<string> {
  const t = await createTenant(db);
  const requestId = `req_matrix_${uniqueSuffix()}`;
  const payload = {
    tenant_id: t.id,
    user_id: null,
    api_key_id: null,
    request_id: requestId,
    model_id: modelId,
    provider_id: providerOf,
    requested_model: null,
    endpoint: 'chat.completions',
    input_tokens: 1,
    cached_input_tokens: 0,
    output_tokens: 1,
    image_count: 0,
    characters: 0,
    audio_minutes: 0,
    request_count: 1,
    tool_calls: 0,
    is_batch: false,
    cost: '0.001',
    markup_percent: '40',
    markup_source: 'default',
    price: '0.0014',
    tokens_estimated: false,
    cache_hit: false,
    latency_ms: 1,
    ttfb_ms: 1,
    status: 'success',
    http_status: 200,
    error_code: null,
    attempt_count: 1,
    fallback_from: null,
    metadata: {},
    created_at: new Date().toISOString(),
  };
  const [row] = await queryRows<{ id: string }>(
    db,
    sql`INSERT INTO metering_quarantine (kind, request_id, tenant_id, reason, payload) VALUES ('usage', ${requestId}, ${t.id}, 'matrix', ${JSON.stringify(payload)}::jsonb) RETURNING id`,
  );
  return row!.id;
}

const CASES: Record<string, Case> = {
  'GET /api/admin/approvals': { handler: h(approvals.GET), setup: async () => ({ query: '?status=pending&limit=5' }) },
  'POST /api/admin/approvals': {
    handler: h(approvals.POST),
    setup: async () => ({ body: { action: 'markup.set_model', payload: { modelId, markupPercent: 30, reason: 'matrix' } } }),
  },
  'GET /api/admin/approvals/actions': { handler: h(approvalActions.GET) },
  'GET /api/admin/approvals/:id': { handler: h(approvalOne.GET), setup: async () => ({ params: { id: (await pendingRequest()).id } }) },
  'POST /api/admin/approvals/:id/approve': {
    handler: h(approve.POST),
    setup: async () => ({ params: { id: (await pendingRequest()).id }, body: { notes: 'fine' } }),
  },
  'POST /api/admin/approvals/:id/reject': {
    handler: h(reject.POST),
    setup: async () => ({ params: { id: (await pendingRequest()).id }, body: { notes: 'no' } }),
  },
  'POST /api/admin/approvals/:id/cancel': {
    handler: h(cancel.POST),
    setup: async (caller) => {
      const by = caller && hasPermission(caller.role, 'approvals.propose') ? caller : initiator;
      return { params: { id: (await pendingRequest(by)).id }, body: {} };
    },
  },
  'GET /api/admin/audit': { handler: h(audit.GET), setup: async () => ({ query: '?action=approval.*&limit=5' }) },
  'GET /api/admin/audit?format=csv': { handler: h(audit.GET), setup: async () => ({ query: '?format=csv&limit=5' }) },
  'GET /api/admin/admins': { handler: h(admins.GET) },
  'POST /api/admin/admins/:id/role': {
    handler: h(adminRole.POST),
    setup: async () => ({ params: { id: (await createAdmin(db, 'operator')).id }, body: { role: 'auditor', reason: 'matrix' } }),
  },
  'POST /api/admin/admins/:id/deactivate': {
    handler: h(adminDeactivate.POST),
    setup: async () => ({ params: { id: (await createAdmin(db, 'operator')).id }, body: { reason: 'matrix' } }),
  },
  'POST /api/admin/admins/me/password': {
    handler: h(myPassword.POST),
    setup: async (caller) => {
      if (caller) await queryRows(db, sql`UPDATE administrators SET password_hash = ${await hashPassword('matrix-current-pw')} WHERE id = ${caller.id}`);
      return { body: { current: 'matrix-current-pw', password: `matrix-new-pw-${uniqueSuffix()}` } };
    },
  },
  'GET /api/admin/admins/me/mfa': { handler: h(mfa.GET) },
  'POST /api/admin/admins/me/mfa/enrol': { handler: h(mfaEnrol.POST) },
  'POST /api/admin/admins/me/mfa/verify': {
    handler: h(mfaVerify.POST),
    setup: async (caller) => {
      if (!caller) return { body: { code: '123456' } };
      const e = await beginMfaEnrolment({ ctx: ctxOf(caller) });
      return { body: { code: await codeAt(e.secret) } };
    },
  },
  'POST /api/admin/admins/me/mfa/disable': {
    handler: h(mfaDisable.POST),
    setup: async (caller) => ({ body: { code: caller ? await codeAt(await mfaEnrolled(caller), 30) : '123456' } }),
  },
  'POST /api/admin/admins/me/mfa/recovery-codes': {
    handler: h(mfaCodes.POST),
    setup: async (caller) => ({ body: { code: caller ? await codeAt(await mfaEnrolled(caller), 30) : '123456' } }),
  },
  'GET /api/admin/invitations': { handler: h(invitations.GET) },
  'POST /api/admin/invitations': {
    handler: h(invitations.POST),
    setup: async () => ({ body: { email: `m-${uniqueSuffix()}@admins.test`, role: 'operator', message: 'hi' } }),
  },
  'POST /api/admin/tenants/:id/keys': {
    handler: h(tenantKeys.POST),
    setup: async () => ({ params: { id: keyTenantId }, body: { name: `console ${uniqueSuffix()}` } }),
  },
  'POST /api/admin/tenants/:id/keys/:keyId/revoke': {
    handler: h(tenantKeyRevoke.POST),
    setup: async () => ({ params: { id: keyTenantId, keyId: await tenantKey() } }),
  },
  'GET /api/admin/metering/quarantine': { handler: h(quarantine.GET), setup: async () => ({ query: '?status=open&limit=5' }) },
  'POST /api/admin/metering/quarantine/:id/replay': {
    handler: h(quarantineReplay.POST),
    setup: async () => ({ params: { id: await quarantinedUsage() }, body: { reason: 'matrix' } }),
  },
  'POST /api/admin/metering/quarantine/:id/discard': {
    handler: h(quarantineDiscard.POST),
    setup: async () => ({ params: { id: await quarantinedUsage() }, body: { reason: 'matrix test' } }),
  },
  'POST /api/admin/invitations/:id/revoke': {
    handler: h(revoke.POST),
    setup: async () => {
      // An invitation exists only once its admin.invite request is approved by a super_admin.
      const email = `r-${uniqueSuffix()}@admins.test`;
      const proposer = await createAdmin(db, 'admin');
      const r = await inviteAdmin({ ctx: ctxOf(proposer), input: { email, role: 'operator' } });
      await approveRequest({ ctx: ctxOf(superAdmin, { mfa: true }), input: { id: r.approval.id } });
      const [inv] = await queryRows<{ id: string }>(db, sql`SELECT id FROM invitations WHERE email = ${email}`);
      return { params: { id: inv!.id } };
    },
  },
};

const ROUTES = tableUnder(readDoc('permissions.md'), 'Admin API routes (governance)').rows.map(([method, path, permission, success]) => ({
  key: `${method} ${path}`,
  method: method!,
  path: path!,
  permission: permission as Permission,
  success: Number(success),
}));

type Who = AdminRole | 'tenant' | 'none';
const WHO: Who[] = [...ADMIN_ROLES, 'tenant', 'none'];

let tenantClaims: ReturnType<typeof tenantSession>;
let keyTenantId: string;

/** A live key of the matrix tenant, minted by its owner (the revoke route's subject). */
async function tenantKey(): Promise<string> {
  const made = await createApiKey({
    ctx: {
      tenantId: keyTenantId,
      actor: { type: 'tenant_user', userId: tenantClaims.userId, email: tenantClaims.email, role: 'owner' },
      requestId: 'req-matrix',
      db,
    },
    input: { name: `matrix ${uniqueSuffix()}` },
  });
  return made.apiKey.id;
}
const mailer = memoryMailer();

beforeAll(async () => {
  db = (await testDb()).db;
  setMailer(mailer);
  [initiator, superAdmin] = await Promise.all([createAdmin(db, 'operator'), createAdmin(db, 'super_admin')]);
  ({ modelId, providerId: providerOf } = await createTestCatalog(db));
  const t = await createTenant(db);
  const u = await createUser(db, t.id, { role: 'owner' });
  tenantClaims = tenantSession({ id: u.id, email: u.email, tenantId: t.id, role: 'owner' });
  keyTenantId = t.id;
});

afterAll(() => {
  setSessionResolverForTests(null);
  setMailer(null);
});

describe('the doc and the tests cover the same routes', () => {
  it('every documented route has a case here, and every case is documented', () => {
    expect(ROUTES.map((r) => r.key).sort()).toEqual(Object.keys(CASES).sort());
  });
});

describe.each(ROUTES)('$key ($permission)', (route) => {
  it.each(WHO)('as %s', async (who) => {
    const c = CASES[route.key]!;
    const caller = who === 'tenant' || who === 'none' ? null : await createAdmin(db, who);
    const prepared = (await c.setup?.(caller)) ?? {};
    useSession(caller ? adminSession(caller) : who === 'tenant' ? tenantClaims : null);
    const url = `http://localhost${route.path.replace(/\?.*$/, '').replace(':id', prepared.params?.id ?? 'x')}${prepared.query ?? ''}`;
    const req = new Request(url, {
      method: route.method,
      headers: { 'content-type': 'application/json', 'user-agent': 'matrix-test', 'x-forwarded-for': '192.0.2.50' },
      ...(route.method === 'GET' ? {} : { body: JSON.stringify(prepared.body ?? {}) }),
    });
    const res = await c.handler(req, { params: Promise.resolve(prepared.params ?? {}) });
    const expected = who === 'none' ? 401 : who === 'tenant' ? 403 : hasPermission(who, route.permission) ? route.success : 403;
    const text = await res.text();
    expect(res.status, `${who} ${route.key}: ${text.slice(0, 300)}`).toBe(expected);
    if (expected >= 400) {
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(JSON.parse(text)).toMatchObject({ status: expected, requestId: expect.any(String) });
    } else if (route.path.includes('format=csv')) {
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    } else {
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });
});

describe('route-level rules beyond the permission', () => {
  it("approving one's own request through the API is 403 self_approval", async () => {
    const a = await createAdmin(db, 'admin');
    const req = await pendingRequest(a);
    useSession(adminSession(a));
    const res = await h(approve.POST)(new Request(`http://localhost/api/admin/approvals/${req.id}/approve`, { method: 'POST', body: '{}' }), {
      params: Promise.resolve({ id: req.id }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'self_approval' });
  });

  it('a second approval is 409; a cross-site POST is refused; bad JSON is 400', async () => {
    const [a, b] = await Promise.all([createAdmin(db, 'admin'), createAdmin(db, 'admin')]);
    const req = await pendingRequest();
    const call = (who: AdminRow, headers: Record<string, string> = {}, body = '{}') => {
      useSession(adminSession(who));
      return h(approve.POST)(
        new Request(`http://localhost/api/admin/approvals/${req.id}/approve`, { method: 'POST', body, headers: { host: 'localhost', ...headers } }),
        {
          params: Promise.resolve({ id: req.id }),
        },
      );
    };
    expect((await call(a, { origin: 'https://evil.test' })).status).toBe(403);
    expect((await call(a, {}, '{not json')).status).toBe(400);
    expect((await call(a, { origin: 'http://localhost' })).status).toBe(200);
    const again = await call(b);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'conflict' });
  });

  it('an unknown request id is 404', async () => {
    useSession(adminSession(superAdmin));
    const res = await h(approvalOne.GET)(new Request('http://localhost/api/admin/approvals/00000000-0000-4000-8000-000000000000'), {
      params: Promise.resolve({ id: '00000000-0000-4000-8000-000000000000' }),
    });
    expect(res.status).toBe(404);
  });
});
