import Link from 'next/link';
import { AcceptInvitationForm } from '@/components/governance/accept-invitation-form';
import { AuthCard } from '@/components/governance/auth-card';
import { PASSWORD_MIN_LENGTH } from '@/lib/governance/passwords';
import { describeTenantInvitation } from '@/lib/tenants/invitations';
import { acceptTenantInvitationAction } from './actions';

export const metadata = { title: 'Join your team', robots: { index: false } };
export const dynamic = 'force-dynamic';

const REASONS = {
  invalid: 'This invitation link is not valid. Check that you copied all of it.',
  accepted: 'This invitation has already been used. Sign in instead.',
  revoked: 'This invitation was revoked. Ask the person who invited you for a new one.',
  expired: 'This invitation has expired. Ask the person who invited you for a new one.',
} as const;

/** Accepting an invitation into a tenant (outside /portal: the visitor has no session yet). */
export default async function JoinPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const inv = await describeTenantInvitation(token);
  const footer = (
    <Link className="underline" href="/portal/sign-in">
      Customer portal sign-in
    </Link>
  );
  if (!inv.ok) {
    return (
      <AuthCard eyebrow="Customer portal" title="Invitation" footer={footer}>
        <p role="alert" className="text-sm text-slate-800">
          {REASONS[inv.reason]}
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard eyebrow="Customer portal" title={`Join ${inv.tenantName}`} footer={footer}>
      <p className="mb-4 text-sm text-slate-700">
        <strong>{inv.email}</strong> is invited as <strong>{inv.role}</strong>. Choose your name and a password.
      </p>
      <AcceptInvitationForm token={token} minLength={PASSWORD_MIN_LENGTH} accept={acceptTenantInvitationAction} signInHref="/portal/sign-in" />
    </AuthCard>
  );
}
