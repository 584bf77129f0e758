import { headers } from 'next/headers';
import { Forbidden } from '@/components/shell/forbidden';
import { KeysView } from '@/components/portal/keys-view';
import { PageHeader } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { listApiKeys } from '@/lib/gateway/keys';
import { portalKeyCtx } from '@/lib/gateway/key-routes';
import { createKeyAction, revokeKeyAction } from './actions';

export const metadata = { title: 'API keys' };

/** The newest keys shown on the page (the console's tenant page pages through all of them). */
const SHOWN = 500;

export default async function KeysPage() {
  const access = await requireTenantPage(['owner', 'member']);
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const keys = await listApiKeys({ ctx: portalKeyCtx(access.ctx), input: { limit: SHOWN } });
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000';
  const proto = h.get('x-forwarded-proto') ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  return (
    <>
      <PageHeader
        title="API keys"
        description={`Create keys for your programs, set their scopes and limits, and revoke them.${keys.length === SHOWN ? ` Showing the newest ${SHOWN}.` : ''}`}
      />
      <KeysView keys={keys} canManage create={createKeyAction} revoke={revokeKeyAction} origin={`${proto}://${host}`} />
    </>
  );
}
