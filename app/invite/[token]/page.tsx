import Link from 'next/link';
import { AcceptInvitationForm } from '@/components/governance/accept-invitation-form';
import { AuthCard } from '@/components/governance/auth-card';
import { describeInvitation } from '@/lib/governance/invitations';
import { setupMfaEnrolment } from '@/lib/governance/mfa';
import { PASSWORD_MIN_LENGTH } from '@/lib/governance/passwords';
import { acceptInvitationAction } from './actions';

export const metadata = { title: 'Accept invitation', robots: { index: false } };
export const dynamic = 'force-dynamic';

const REASONS = {
  invalid: 'This invitation link is not valid. Check that you copied all of it.',
  accepted: 'This invitation has already been used. Sign in instead.',
  revoked: 'This invitation was revoked. Ask the person who invited you for a new one.',
  expired: 'This invitation has expired. Ask the person who invited you for a new one.',
} as const;

export default async function AcceptInvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const inv = await describeInvitation(token);
  if (!inv.ok) {
    return (
      <AuthCard
        eyebrow="Admin console"
        title="Invitation"
        footer={
          <Link className="underline" href="/admin/sign-in">
            Administrator sign-in
          </Link>
        }
      >
        <p role="alert" className="text-sm text-slate-800">
          {REASONS[inv.reason]}
        </p>
      </AuthCard>
    );
  }
  if (inv.purpose === 'setup') {
    const enrol = await setupMfaEnrolment(token, inv.email);
    return (
      <AuthCard eyebrow="Admin console" title="Set up the first administrator">
        <p className="mb-4 text-sm text-slate-700">
          This single-use link creates <strong>{inv.email}</strong> as <strong>super admin</strong>. Choose a password and enrol an authenticator app: scan the
          code, or type the key, then enter the 6-digit code it shows.
        </p>
        <img src={enrol.qrDataUrl} alt="QR code for your authenticator app" width={180} height={180} className="mx-auto mb-2" />
        <p className="mb-4 text-center font-mono text-xs break-all text-slate-700" data-testid="setup-mfa-secret">
          {enrol.secret}
        </p>
        <AcceptInvitationForm token={token} minLength={PASSWORD_MIN_LENGTH} accept={acceptInvitationAction} mfa />
      </AuthCard>
    );
  }
  return (
    <AuthCard eyebrow="Admin console" title="Join RADIANT">
      <p className="mb-4 text-sm text-slate-700">
        {inv.invitedBy ?? 'An administrator'} invited <strong>{inv.email}</strong> as <strong>{inv.role.replace(/_/g, ' ')}</strong>.
      </p>
      {inv.message ? <blockquote className="mb-4 border-l-4 border-slate-200 pl-3 text-sm whitespace-pre-wrap text-slate-700">{inv.message}</blockquote> : null}
      <AcceptInvitationForm token={token} minLength={PASSWORD_MIN_LENGTH} accept={acceptInvitationAction} />
    </AuthCard>
  );
}
