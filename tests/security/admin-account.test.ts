/**
 * An administrator's own account and its end (issue 17):
 *  - changing one's own password needs the current one; when it commits, every session of that
 *    person stops (the old password no longer signs in, the new one does);
 *  - deactivation is proposed from the administrators screen's route by a super_admin, approved
 *    by another, and the subject's session is refused on its very next request.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as passwordRoute from '../../app/api/admin/admins/me/password/route';
import * as deactivateRoute from '../../app/api/admin/admins/[id]/deactivate/route';
import * as approveRoute from '../../app/api/admin/approvals/[id]/approve/route';
import * as adminsRoute from '../../app/api/admin/admins/route';
import { authenticateAdmin } from '../../lib/auth/credentials';
import { setSessionResolverForTests } from '../../lib/auth/session';
import { queryRows, type Db } from '../../lib/db/client';
import { testDb } from '../support/db';
import { adminSession, createAdmin, useSession } from '../governance/helpers';

type Handler = (req: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;
const h = (f: unknown) => f as Handler;
let db: Db;

beforeAll(async () => {
  db = (await testDb()).db;
});
afterEach(() => setSessionResolverForTests(null));

const post = (handler: Handler, path: string, body: unknown, params: Record<string, string> = {}) =>
  handler(new Request(`http://127.0.0.1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }), {
    params: Promise.resolve(params),
  });
const listAdmins = () => h(adminsRoute.GET)(new Request('http://127.0.0.1/api/admin/admins'), { params: Promise.resolve({}) });
const meta = { ip: '198.51.100.9', userAgent: 'vitest', requestId: 'req-admin-account' };

describe('changing one’s own password', () => {
  it('needs the current password, then ends every session of that person', async () => {
    const me = await createAdmin(db, 'operator', { password: 'first-password-123' });
    const claims = adminSession(me);
    useSession(claims);
    const wrong = await post(h(passwordRoute.POST), '/api/admin/admins/me/password', { current: 'not-it-at-all', password: 'second-password-456' });
    expect(wrong.status).toBe(400);
    const short = await post(h(passwordRoute.POST), '/api/admin/admins/me/password', { current: 'first-password-123', password: 'short' });
    expect(short.status).toBe(400);
    // The session still works after refusals.
    expect((await listAdmins()).status).toBe(200);

    const ok = await post(h(passwordRoute.POST), '/api/admin/admins/me/password', { current: 'first-password-123', password: 'second-password-456' });
    expect(ok.status).toBe(200);
    // The same session (issued before the change) is refused on its next request.
    const after = await listAdmins();
    expect(after.status).toBe(401);
    await expect(authenticateAdmin({ ctx: meta, input: { email: me.email, password: 'first-password-123' } })).rejects.toMatchObject({
      reason: 'invalid_credentials',
    });
    const fresh = await authenticateAdmin({ ctx: meta, input: { email: me.email, password: 'second-password-456' } });
    useSession(fresh);
    expect((await listAdmins()).status).toBe(200);
    const audit = await queryRows<{ action: string }>(
      db,
      sql`SELECT action FROM audit_logs WHERE resource_id = ${me.id} AND action = 'admin.password_changed'`,
    );
    expect(audit).toHaveLength(1);
  });
});

describe('deactivating from the administrators screen', () => {
  it('a super_admin proposes, another approves, and the subject is refused at once', async () => {
    const [superA, superB, subject, admin] = await Promise.all([
      createAdmin(db, 'super_admin'),
      createAdmin(db, 'super_admin'),
      createAdmin(db, 'operator'),
      createAdmin(db, 'admin'),
    ]);
    const subjectSession = adminSession(subject);
    useSession(adminSession(admin));
    expect((await post(h(deactivateRoute.POST), `/api/admin/admins/${subject.id}/deactivate`, {}, { id: subject.id })).status).toBe(403);
    useSession(adminSession(superA));
    expect((await post(h(deactivateRoute.POST), `/api/admin/admins/${superA.id}/deactivate`, {}, { id: superA.id })).status).toBe(400);
    const proposed = await post(h(deactivateRoute.POST), `/api/admin/admins/${subject.id}/deactivate`, { reason: 'left the company' }, { id: subject.id });
    expect(proposed.status).toBe(201);
    const { id, status } = (await proposed.json()) as { id: string; status: string };
    expect(status).toBe('pending');
    // Still active while pending.
    useSession(subjectSession);
    expect((await listAdmins()).status).toBe(200);
    // The proposer cannot approve it alone.
    useSession(adminSession(superA, true));
    expect((await post(h(approveRoute.POST), `/api/admin/approvals/${id}/approve`, {}, { id })).status).toBe(403);
    useSession(adminSession(superB, true));
    expect((await post(h(approveRoute.POST), `/api/admin/approvals/${id}/approve`, {}, { id })).status).toBe(200);
    useSession(subjectSession);
    expect((await listAdmins()).status).toBe(401);
  });
});
