/** docs/permissions.md and lib/governance/permissions.ts must say the same thing. */
import { describe, expect, it } from 'vitest';
import {
  ADMIN_PERMISSION_MATRIX,
  ADMIN_ROLES,
  APPROVAL_TYPES,
  APPROVER_ROLES_BY_TYPE,
  approverRolesFor,
  canGrantRole,
  hasPermission,
  PERMISSIONS,
  TENANT_PERMISSION_MATRIX,
  TENANT_USER_ROLES,
  tenantHasPermission,
  type AdminRole,
  type Permission,
  type TenantPermission,
  type TenantRole,
} from '../../lib/governance/permissions';
import { readDoc, tableUnder } from './markdown';

const doc = readDoc('permissions.md');
const yes = (cell: string | undefined) => {
  if (cell === 'yes') return true;
  if (cell === '—' || cell === '-' || cell === 'no' || cell === '') return false;
  throw new Error(`unexpected cell "${cell}"`);
};

describe('docs/permissions.md matches lib/governance/permissions.ts', () => {
  it('administrator permission matrix', () => {
    const { header, rows } = tableUnder(doc, 'Administrator permission matrix');
    expect(header.slice(1, 5)).toEqual([...ADMIN_ROLES]);
    expect(rows.map((r) => r[0])).toEqual(PERMISSIONS);
    for (const r of rows) {
      ADMIN_ROLES.forEach((role, i) => {
        expect(yes(r[i + 1]), `${r[0]} x ${role}`).toBe(hasPermission(role, r[0] as Permission));
      });
    }
  });

  it('approvers by request type', () => {
    const { rows } = tableUnder(doc, 'Who approves which request');
    expect(rows.map((r) => r[0]).sort()).toEqual([...APPROVAL_TYPES].sort());
    for (const [type, roles, critical] of rows) {
      const t = type as (typeof APPROVAL_TYPES)[number];
      expect(
        roles!
          .split(',')
          .map((s) => s.trim())
          .sort(),
        type,
      ).toEqual([...APPROVER_ROLES_BY_TYPE[t]].sort());
      expect(
        roles!
          .split(',')
          .map((s) => s.trim())
          .sort(),
        `${type} high`,
      ).toEqual(approverRolesFor(t, 'high').sort());
      expect(
        critical!
          .split(',')
          .map((s) => s.trim())
          .sort(),
        `${type} critical`,
      ).toEqual(approverRolesFor(t, 'critical').sort());
    }
  });

  it('tenant permission matrix', () => {
    const { header, rows } = tableUnder(doc, 'Tenant roles');
    expect(header.slice(1, 4)).toEqual([...TENANT_USER_ROLES]);
    expect(rows.map((r) => r[0])).toEqual(Object.keys(TENANT_PERMISSION_MATRIX));
    for (const r of rows) {
      TENANT_USER_ROLES.forEach((role: TenantRole, i) => {
        expect(yes(r[i + 1]), `${r[0]} x ${role}`).toBe(tenantHasPermission(role, r[0] as TenantPermission));
      });
    }
  });

  it('every route permission in the doc exists', () => {
    const { rows } = tableUnder(doc, 'Admin API routes (governance)');
    for (const r of rows) expect(Object.keys(ADMIN_PERMISSION_MATRIX), r.join(' ')).toContain(r[2]);
  });
});

describe('the rules the matrix encodes', () => {
  const roles = (p: Permission) => ADMIN_ROLES.filter((r: AdminRole) => hasPermission(r, p));
  it('auditors change nothing; operators view and propose; admins approve; super_admin approves critical and role changes', () => {
    for (const p of PERMISSIONS) {
      if (!/\.(read)$/.test(p) && p !== 'account.self') expect(hasPermission('auditor', p), p).toBe(false);
    }
    expect(hasPermission('auditor', 'audit.read')).toBe(true);
    expect(hasPermission('operator', 'approvals.propose')).toBe(true);
    expect(hasPermission('operator', 'approvals.approve')).toBe(false);
    expect(roles('approvals.approve')).toEqual(['super_admin', 'admin']);
    expect(roles('approvals.approve_critical')).toEqual(['super_admin']);
    expect(roles('admins.manage')).toEqual(['super_admin']);
    expect(approverRolesFor('billing_change', 'critical')).toEqual(['super_admin']);
    expect(approverRolesFor('user_role_change', 'low')).toEqual(['super_admin']);
    expect(canGrantRole('admin', 'super_admin')).toBe(false);
    expect(canGrantRole('super_admin', 'super_admin')).toBe(true);
  });
});
