import type { ReactNode } from 'react';
import type { Metadata } from 'next';
import { AppShell } from '@/components/shell/app-shell';
import { currentClaims, requireAdmin } from '@/lib/auth/session';
import { signOutAdmin } from './actions';
import { navFor } from './nav';

export const metadata: Metadata = { title: { default: 'Admin console', template: '%s · RADIANT admin' } };

const ROLE_LABEL: Record<string, string> = { super_admin: 'Super admin', admin: 'Admin', operator: 'Operator', auditor: 'Auditor (read-only)' };

/**
 * The console shell. The guard: only a live administrator session gets the shell and the nav
 * (filtered by role). Anyone else gets the bare page, and every page calls requireAdminPage
 * itself, which redirects to /admin/sign-in (layouts cannot stop a page from rendering, so the
 * page-level check is the real gate; this also keeps a sign-in page under /admin reachable).
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const claims = await currentClaims();
  if (claims?.audience !== 'admin') return <>{children}</>;
  let ctx;
  try {
    ctx = await requireAdmin();
  } catch {
    return <>{children}</>;
  }
  return (
    <AppShell
      product="Admin"
      homeHref="/admin"
      groups={navFor(ctx.role)}
      user={{ name: ctx.name || ctx.email, detail: `${ROLE_LABEL[ctx.role] ?? ctx.role} · ${ctx.email}` }}
      signOut={signOutAdmin}
    >
      {children}
    </AppShell>
  );
}
