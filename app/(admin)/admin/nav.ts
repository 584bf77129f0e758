import type { NavGroup } from '@/components/shell/app-shell';
import { hasPermission, type AdminRole, type Permission } from '@/lib/governance/permissions';

type Item = NavGroup['items'][number] & { permission: Permission };

/** The console's navigation; each item shows only to roles holding its permission. */
const NAV: Array<{ label: string; items: Item[] }> = [
  { label: 'Overview', items: [{ href: '/admin', label: 'Dashboard', icon: 'dashboard', exact: true, permission: 'usage.read' }] },
  {
    label: 'Catalog',
    items: [
      { href: '/admin/models', label: 'Models & pricing', icon: 'models', permission: 'pricing.read' },
      { href: '/admin/markups', label: 'Markups', icon: 'markups', permission: 'pricing.read' },
      { href: '/admin/alerts', label: 'Estimated costs', icon: 'alerts', permission: 'pricing.read' },
      { href: '/admin/providers', label: 'Providers', icon: 'providers', permission: 'catalog.read' },
      { href: '/admin/optimizer', label: 'Optimizer', icon: 'optimizer', permission: 'pricing.read' },
    ],
  },
  {
    label: 'Customers',
    items: [
      { href: '/admin/tenants', label: 'Tenants', icon: 'tenants', permission: 'tenants.read' },
      { href: '/admin/usage', label: 'Usage', icon: 'usage', permission: 'usage.read' },
      { href: '/admin/jobs', label: 'Video & 3D jobs', icon: 'jobs', permission: 'usage.read' },
      { href: '/admin/requests', label: 'Request logs', icon: 'audit', permission: 'request_logs.read' },
    ],
  },
  { label: 'Money', items: [{ href: '/admin/billing', label: 'Billing', icon: 'billing', permission: 'billing.read' }] },
  {
    label: 'Governance',
    items: [
      { href: '/admin/approvals', label: 'Approvals', icon: 'approvals', permission: 'approvals.read' },
      { href: '/admin/audit', label: 'Audit log', icon: 'audit', permission: 'audit.read' },
      { href: '/admin/admins', label: 'Administrators', icon: 'admins', permission: 'admins.read' },
    ],
  },
];

export function navFor(role: AdminRole): NavGroup[] {
  return NAV.map((g) => ({
    label: g.label,
    items: g.items.filter((i) => hasPermission(role, i.permission)).map(({ permission: _p, ...i }) => i),
  })).filter((g) => g.items.length > 0);
}
