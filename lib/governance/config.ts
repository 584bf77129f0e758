/** Governance settings read from the environment (docs/governance.md lists them). */
import { demoEnabled, isProductionMode } from '../server/production';

function envBool(name: string, fallback: boolean): boolean {
  const v = process.env[name]?.trim().toLowerCase();
  if (v === undefined || v === '') return fallback;
  return v === '1' || v === 'true' || v === 'yes' || v === 'on';
}

function envInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number.parseInt(raw, 10);
  return Number.isFinite(n) && n >= min ? n : fallback;
}

/** Approving a request needs an MFA-verified session. Default ON in production mode; OFF when the
 * demo world is loaded (the embedded quick start, or RADIANT_DEMO=1), so the demo works as it is. */
export function requireMfaForApproval(): boolean {
  return envBool('RADIANT_REQUIRE_MFA_FOR_APPROVAL', isProductionMode() && !demoEnabled());
}

export function approvalExpiryHours(): number {
  return envInt('RADIANT_APPROVAL_EXPIRY_HOURS', 24);
}

export const INVITATION_EXPIRY_DAYS = 7;

export interface ThrottleSettings {
  windowMinutes: number;
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
}

export function throttleSettings(): ThrottleSettings {
  return {
    windowMinutes: envInt('RADIANT_LOGIN_WINDOW_MINUTES', 15),
    maxFailuresPerEmail: envInt('RADIANT_LOGIN_MAX_FAILURES_PER_EMAIL', 5),
    maxFailuresPerIp: envInt('RADIANT_LOGIN_MAX_FAILURES_PER_IP', 50),
  };
}

/** Public base URL for links in e-mails (invitations); falls back to the request's origin. */
export function publicBaseUrl(fallback?: string): string {
  const v = process.env.RADIANT_PUBLIC_URL || process.env.AUTH_URL || fallback || 'http://localhost:3000';
  try {
    // AUTH_URL may carry Auth.js's base path (/api/auth): links need the origin only.
    return process.env.RADIANT_PUBLIC_URL ? v.replace(/\/+$/, '') : new URL(v).origin;
  } catch {
    return v.replace(/\/+$/, '');
  }
}
