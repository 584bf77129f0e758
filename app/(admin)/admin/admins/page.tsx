import Link from 'next/link';
import { DeactivateButton, InviteForm, RevokeInvitationButton, RoleChangeForm } from '@/components/governance/admin-forms';
import { RoleBadge } from '@/components/governance/badges';
import { Forbidden } from '@/components/shell/forbidden';
import { buttonClasses } from '@/components/ui/button';
import { Badge, StatusBadge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page';
import { LocalTime } from '@/components/ui/time';
import { requireAdminPage } from '@/lib/auth/session';
import { listAdmins } from '@/lib/governance/admins';
import { listInvitations } from '@/lib/governance/invitations';
import { ADMIN_ROLES, canGrantRole, hasPermission } from '@/lib/governance/permissions';
import { inviteAction, proposeDeactivationAction, proposeRoleAction, revokeInvitationAction } from './actions';

export const metadata = { title: 'Administrators' };
export const dynamic = 'force-dynamic';

export default async function AdminsPage() {
  const access = await requireAdminPage('admins.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const { ctx } = access;
  const [admins, invitations] = await Promise.all([listAdmins({ ctx }), listInvitations({ ctx })]);
  const canInvite = hasPermission(ctx.role, 'admins.invite');
  const canProposeRole = hasPermission(ctx.role, 'admins.propose_role');
  const canDeactivate = hasPermission(ctx.role, 'admins.manage');
  const grantable = ADMIN_ROLES.filter((r) => canGrantRole(ctx.role, r));

  return (
    <>
      <PageHeader
        title="Administrators"
        description="Platform staff, their roles and MFA. Role changes and deactivations are proposed and need a super_admin's approval."
        actions={
          <Link href="/admin/admins/me" className={buttonClasses('secondary')}>
            My account &amp; MFA
          </Link>
        }
      />
      <div className="space-y-6">
        <Card className="overflow-x-auto">
          <CardHeader title="Team" />
          <table className="min-w-full text-sm" aria-label="Administrators">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs text-slate-600">
                <th scope="col" className="px-4 py-2 font-medium">
                  Name
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Role
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  MFA
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Status
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Last sign-in
                </th>
                {canProposeRole ? (
                  <th scope="col" className="px-4 py-2 font-medium">
                    Change role
                  </th>
                ) : null}
                {canDeactivate ? (
                  <th scope="col" className="px-4 py-2 font-medium">
                    Access
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {admins.map((a) => (
                <tr key={a.id}>
                  <td className="px-4 py-2">
                    <div className="font-medium text-slate-900">
                      {a.name} {a.id === ctx.adminId ? <span className="text-xs font-normal text-slate-500">(you)</span> : null}
                    </div>
                    <div className="text-xs text-slate-600">{a.email}</div>
                  </td>
                  <td className="px-4 py-2">
                    <RoleBadge role={a.role} />
                  </td>
                  <td className="px-4 py-2">{a.mfaEnabled ? <Badge tone="success">on</Badge> : <Badge tone="warning">off</Badge>}</td>
                  <td className="px-4 py-2">
                    <StatusBadge status={a.status} />
                  </td>
                  <td className="px-4 py-2 text-slate-700">
                    <LocalTime value={a.lastLoginAt} mode="relative" />
                  </td>
                  {canProposeRole ? (
                    <td className="px-4 py-2">
                      {a.pendingRoleChange ? (
                        <Link href={`/admin/approvals/${a.pendingRoleChange.requestId}`} className="text-xs text-brand-700 underline">
                          Pending: {a.pendingRoleChange.role.replace(/_/g, ' ')}
                        </Link>
                      ) : (
                        <RoleChangeForm adminId={a.id} email={a.email} currentRole={a.role} roles={[...ADMIN_ROLES]} propose={proposeRoleAction} />
                      )}
                    </td>
                  ) : null}
                  {canDeactivate ? (
                    <td className="px-4 py-2">
                      {a.pendingDeactivation ? (
                        <Link href={`/admin/approvals/${a.pendingDeactivation.requestId}`} className="text-xs text-brand-700 underline">
                          Pending: deactivation
                        </Link>
                      ) : a.status === 'active' && a.id !== ctx.adminId ? (
                        <DeactivateButton adminId={a.id} email={a.email} propose={proposeDeactivationAction} />
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </Card>

        <div className="grid gap-6 lg:grid-cols-5">
          {canInvite ? (
            <Card className="lg:col-span-2">
              <CardHeader title="Invite an administrator" description="A single-use link, valid for 7 days." />
              <CardBody>
                <InviteForm roles={grantable} invite={inviteAction} />
              </CardBody>
            </Card>
          ) : null}
          <Card className={canInvite ? 'overflow-x-auto lg:col-span-3' : 'overflow-x-auto lg:col-span-5'}>
            <CardHeader title="Invitations" />
            {invitations.length === 0 ? (
              <CardBody>
                <p className="text-sm text-slate-600">No invitations yet.</p>
              </CardBody>
            ) : (
              <table className="min-w-full text-sm" aria-label="Invitations">
                <thead>
                  <tr className="border-b border-slate-200 text-left text-xs text-slate-600">
                    <th scope="col" className="px-4 py-2 font-medium">
                      E-mail
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Role
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Status
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Expires
                    </th>
                    {canInvite ? (
                      <th scope="col" className="px-4 py-2 font-medium">
                        <span className="sr-only">Actions</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {invitations.map((i) => (
                    <tr key={i.id}>
                      <td className="px-4 py-2">
                        <div className="text-slate-900">{i.email}</div>
                        <div className="text-xs text-slate-600">by {i.invitedBy.email ?? '—'}</div>
                      </td>
                      <td className="px-4 py-2">
                        <RoleBadge role={i.role} />
                      </td>
                      <td className="px-4 py-2">
                        <StatusBadge status={i.status} />
                      </td>
                      <td className="px-4 py-2 text-slate-700">
                        <LocalTime value={i.expiresAt} mode="date" />
                      </td>
                      {canInvite ? (
                        <td className="px-4 py-2">
                          {i.status === 'pending' ? <RevokeInvitationButton id={i.id} email={i.email} revoke={revokeInvitationAction} /> : null}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
