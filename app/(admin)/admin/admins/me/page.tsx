import Link from 'next/link';
import { MfaPanel } from '@/components/governance/mfa-panel';
import { ChangePasswordForm } from '@/components/portal/password-forms';
import { RoleBadge } from '@/components/governance/badges';
import { Forbidden } from '@/components/shell/forbidden';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { DescriptionList, PageHeader } from '@/components/ui/page';
import { requireAdminPage } from '@/lib/auth/session';
import { requireMfaForApproval } from '@/lib/governance/config';
import { mfaStatus } from '@/lib/governance/mfa';
import { PASSWORD_MIN_LENGTH } from '@/lib/governance/passwords';
import { signOutAdmin } from '../../actions';
import { beginMfaAction, changeOwnPasswordAction, confirmMfaAction, disableMfaAction, regenerateCodesAction } from '../actions';

export const metadata = { title: 'My account' };
export const dynamic = 'force-dynamic';

export default async function MyAccountPage() {
  const access = await requireAdminPage('account.self');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const { ctx } = access;
  const status = await mfaStatus({ ctx });
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/admins" className="text-brand-700 underline">
          ← Administrators
        </Link>
      </p>
      <PageHeader title="My account" />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardBody>
            <DescriptionList
              className="sm:grid-cols-1"
              items={[
                { label: 'Name', value: ctx.name },
                { label: 'E-mail', value: ctx.email },
                { label: 'Role', value: <RoleBadge role={ctx.role} /> },
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader
            title="Multi-factor authentication"
            description={
              requireMfaForApproval()
                ? 'Approving requests requires a session verified with MFA on this installation.'
                : 'Recommended for every administrator; this installation does not require it to approve.'
            }
          />
          <CardBody>
            <MfaPanel status={status} begin={beginMfaAction} confirm={confirmMfaAction} disable={disableMfaAction} regenerate={regenerateCodesAction} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Password" description="Every session of yours ends when you change it, on every device, this one too." />
          <CardBody>
            <ChangePasswordForm minLength={PASSWORD_MIN_LENGTH} action={changeOwnPasswordAction} signOut={signOutAdmin} />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
