/** The demo world's people. One password for all of them: RADIANT_DEMO_PASSWORD, or the default
 * printed by `npm start`. Demo data only; never used outside the demo seed and tests. */
export const DEFAULT_DEMO_PASSWORD = 'radiant-demo-2026';

export function demoPassword(): string {
  return process.env.RADIANT_DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
}

export type DemoAccount =
  | { kind: 'admin'; email: string; name: string; role: 'super_admin' | 'admin' | 'operator' | 'auditor' }
  | { kind: 'tenant'; email: string; name: string; role: 'owner' | 'member' | 'billing'; tenant: string };

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { kind: 'admin', email: 'admin@radiant.local', name: 'Ada Admin', role: 'super_admin' },
  { kind: 'admin', email: 'approver@radiant.local', name: 'Grace Approver', role: 'admin' },
  { kind: 'admin', email: 'operator@radiant.local', name: 'Otto Operator', role: 'operator' },
  { kind: 'admin', email: 'auditor@radiant.local', name: 'Alice Auditor', role: 'auditor' },
  { kind: 'tenant', email: 'owner@acme.test', name: 'Wile E. Coyote', role: 'owner', tenant: 'acme' },
  { kind: 'tenant', email: 'owner@globex.test', name: 'Hank Scorpio', role: 'owner', tenant: 'globex' },
];
