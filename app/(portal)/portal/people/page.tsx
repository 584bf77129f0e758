import { PeopleView } from '@/components/portal/people-view';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { listTenantInvitations } from '@/lib/tenants/invitations';
import { listPeople } from '@/lib/tenants/people';
import { changeRoleAction, invitePersonAction, removePersonAction, transferOwnershipAction } from './actions';

export const metadata = { title: 'People' };

export default async function PeoplePage() {
  const access = await requireTenantPage(['owner']);
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const [people, invitations] = await Promise.all([listPeople({ ctx: access.ctx }), listTenantInvitations({ ctx: access.ctx })]);
  return (
    <>
      <PageHeader title="People" description="Who can sign in to your organisation's portal, and what they may do." />
      <PeopleView
        people={people}
        invitations={invitations.filter((i) => i.status === 'pending')}
        selfId={access.ctx.userId}
        actions={{ invite: invitePersonAction, changeRole: changeRoleAction, remove: removePersonAction, transfer: transferOwnershipAction }}
      />
    </>
  );
}
