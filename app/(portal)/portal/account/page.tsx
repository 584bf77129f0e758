import { ChangePasswordForm } from '@/components/portal/password-forms';
import { Forbidden } from '@/components/shell/forbidden';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { PASSWORD_MIN_LENGTH } from '@/lib/governance/passwords';
import { signOutTenant } from '../actions';
import { changePasswordAction } from './actions';

export const metadata = { title: 'Account' };

export default async function AccountPage() {
  const access = await requireTenantPage();
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  return (
    <>
      <PageHeader title="Account" description={`Signed in as ${access.ctx.email} (${access.ctx.role}).`} />
      <Card className="max-w-xl">
        <CardHeader title="Change your password" />
        <CardBody>
          <ChangePasswordForm minLength={PASSWORD_MIN_LENGTH} action={changePasswordAction} signOut={signOutTenant} />
        </CardBody>
      </Card>
    </>
  );
}
