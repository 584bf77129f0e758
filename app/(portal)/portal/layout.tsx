import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { AppShell, type NavGroup } from '@/components/shell/app-shell';
import { currentClaims, requireTenantUser } from '@/lib/auth/session';
import { withTenant } from '@/lib/db/tenant';
import { tenantHasPermission } from '@/lib/governance/permissions';
import { getPortalShell } from '@/lib/portal-views/shell';
import { signOutTenant } from './actions';

export const metadata: Metadata = { title: { default: 'Customer portal', template: '%s · RADIANT portal' } };

/**
 * The portal shell. Only a live tenant session gets the frame; anyone else gets the bare page,
 * whose own requireTenantPage redirects to /portal/sign-in (the page-level check is the gate;
 * this keeps a sign-in page under /portal reachable). Everything under /portal is PRICE ONLY.
 */
export default async function PortalLayout({ children }: { children: ReactNode }) {
  const claims = await currentClaims();
  if (claims?.audience !== 'tenant') return <>{children}</>;
  let ctx;
  try {
    ctx = await requireTenantUser();
  } catch {
    return <>{children}</>;
  }
  const { tenantName } = await withTenant(ctx.tenantId, (tx) => getPortalShell(tx, ctx.tenantId));
  const items: NavGroup['items'] = [
    { href: '/portal', label: 'Overview', icon: 'overview', exact: true },
    { href: '/portal/prices', label: 'Prices', icon: 'prices' },
    { href: '/portal/usage', label: 'Usage', icon: 'usage' },
    { href: '/portal/jobs', label: 'Video & 3D jobs', icon: 'jobs' },
  ];
  if (tenantHasPermission(ctx.role, 'invoices.read')) items.push({ href: '/portal/invoices', label: 'Invoices', icon: 'invoices' });
  if (tenantHasPermission(ctx.role, 'keys.manage_own')) items.push({ href: '/portal/keys', label: 'API keys', icon: 'keys' });
  if (ctx.role === 'owner') items.push({ href: '/portal/webhooks', label: 'Webhooks', icon: 'webhooks' });
  items.push({ href: '/portal/requests', label: 'Request log', icon: 'audit' });
  if (tenantHasPermission(ctx.role, 'users.manage')) items.push({ href: '/portal/people', label: 'People', icon: 'admins' });
  items.push({ href: '/portal/account', label: 'Account', icon: 'overview' });
  return (
    <AppShell
      product="Portal"
      homeHref="/portal"
      groups={[{ label: tenantName, items }]}
      user={{ name: ctx.email, detail: `${tenantName} · ${ctx.role}` }}
      signOut={signOutTenant}
    >
      {children}
    </AppShell>
  );
}
