/**
 * Who may do what: the ONE place where roles meet permissions. docs/permissions.md shows the
 * same tables, and tests/governance/permissions.test.ts fails when the two disagree.
 *
 * Platform administrators: super_admin, admin, operator, auditor.
 *   - operators view and PROPOSE changes (they never mint or revoke a tenant's API keys: a live key
 *     spends the tenant's money, so that is `tenants.keys`);
 *   - admins also APPROVE (two-person rule) and invite;
 *   - super_admin is needed to approve CRITICAL requests and anything touching admin roles or
 *     security;
 *   - auditors READ everything, the audit log included, and change nothing.
 * Tenant users: owner (everything in the portal), member (own API keys + usage), billing
 * (invoices + usage).
 */
import { ADMIN_ROLES, APPROVAL_TYPES, RISK_LEVELS } from '../db/schema/governance';
import { TENANT_USER_ROLES } from '../db/schema/tenancy';

export type AdminRole = (typeof ADMIN_ROLES)[number];
export type TenantRole = (typeof TENANT_USER_ROLES)[number];
export type ApprovalType = (typeof APPROVAL_TYPES)[number];
export type RiskLevel = (typeof RISK_LEVELS)[number];

export { ADMIN_ROLES, APPROVAL_TYPES, RISK_LEVELS, TENANT_USER_ROLES };

/** Admin permissions and the roles that hold each. Order = the order of docs/permissions.md. */
export const ADMIN_PERMISSION_MATRIX = {
  'catalog.read': ['super_admin', 'admin', 'operator', 'auditor'],
  'catalog.propose': ['super_admin', 'admin', 'operator'],
  'pricing.read': ['super_admin', 'admin', 'operator', 'auditor'],
  'pricing.propose': ['super_admin', 'admin', 'operator'],
  'tenants.read': ['super_admin', 'admin', 'operator', 'auditor'],
  'tenants.propose': ['super_admin', 'admin', 'operator'],
  'tenants.manage': ['super_admin', 'admin'],
  'tenants.keys': ['super_admin', 'admin'],
  'request_logs.read': ['super_admin', 'auditor'],
  'usage.read': ['super_admin', 'admin', 'operator', 'auditor'],
  'billing.read': ['super_admin', 'admin', 'operator', 'auditor'],
  'billing.propose': ['super_admin', 'admin', 'operator'],
  'billing.run': ['super_admin', 'admin'],
  'approvals.read': ['super_admin', 'admin', 'operator', 'auditor'],
  'approvals.propose': ['super_admin', 'admin', 'operator'],
  'approvals.approve': ['super_admin', 'admin'],
  'approvals.approve_critical': ['super_admin'],
  'admins.read': ['super_admin', 'admin', 'operator', 'auditor'],
  'admins.invite': ['super_admin', 'admin'],
  'admins.propose_role': ['super_admin', 'admin'],
  'admins.manage': ['super_admin'],
  'security.propose': ['super_admin', 'admin'],
  'audit.read': ['super_admin', 'admin', 'auditor'],
  'account.self': ['super_admin', 'admin', 'operator', 'auditor'],
} as const satisfies Record<string, readonly AdminRole[]>;

export type Permission = keyof typeof ADMIN_PERMISSION_MATRIX;
export const PERMISSIONS = Object.keys(ADMIN_PERMISSION_MATRIX) as Permission[];

export function hasPermission(role: AdminRole, permission: Permission): boolean {
  return (ADMIN_PERMISSION_MATRIX[permission] as readonly AdminRole[]).includes(role);
}

/**
 * Who may approve a request of a given type, before risk is considered. Security and admin-role
 * changes need a super_admin whatever their risk; CRITICAL risk needs a super_admin for any type.
 */
export const APPROVER_ROLES_BY_TYPE = {
  deployment: ['super_admin', 'admin'],
  promotion: ['super_admin', 'admin'],
  model_activation: ['super_admin', 'admin'],
  provider_change: ['super_admin', 'admin'],
  user_role_change: ['super_admin'],
  billing_change: ['super_admin', 'admin'],
  security_change: ['super_admin'],
  data_migration: ['super_admin', 'admin'],
} as const satisfies Record<ApprovalType, readonly AdminRole[]>;

/** Roles that may approve (or reject) a request of this type at this risk level. */
export function approverRolesFor(type: ApprovalType, risk: RiskLevel): AdminRole[] {
  const byType = APPROVER_ROLES_BY_TYPE[type] as readonly AdminRole[];
  return byType.filter((role) => {
    if (!hasPermission(role, 'approvals.approve')) return false;
    if (risk === 'critical' && !hasPermission(role, 'approvals.approve_critical')) return false;
    return true;
  });
}

export function canApprove(role: AdminRole, type: ApprovalType, risk: RiskLevel): boolean {
  return approverRolesFor(type, risk).includes(role);
}

/** Tenant portal permissions and the tenant roles that hold each. */
export const TENANT_PERMISSION_MATRIX = {
  'portal.read': ['owner', 'member', 'billing'],
  'usage.read': ['owner', 'member', 'billing'],
  'keys.manage_own': ['owner', 'member'],
  'keys.manage_all': ['owner'],
  'invoices.read': ['owner', 'billing'],
  'users.manage': ['owner'],
  'settings.manage': ['owner'],
} as const satisfies Record<string, readonly TenantRole[]>;

export type TenantPermission = keyof typeof TENANT_PERMISSION_MATRIX;

export function tenantHasPermission(role: TenantRole, permission: TenantPermission): boolean {
  return (TENANT_PERMISSION_MATRIX[permission] as readonly TenantRole[]).includes(role);
}

/** Roles ranked for "may not grant more than you hold" (invitations). */
const ROLE_RANK: Record<AdminRole, number> = { super_admin: 3, admin: 2, operator: 1, auditor: 1 };

/** An inviter may invite roles up to their own rank (only a super_admin invites a super_admin). */
export function canGrantRole(granter: AdminRole, role: AdminRole): boolean {
  return ROLE_RANK[granter] >= ROLE_RANK[role];
}
