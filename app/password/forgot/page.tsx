import Link from 'next/link';
import { ForgotPasswordForm } from '@/components/portal/password-forms';
import { AuthCard } from '@/components/governance/auth-card';
import { requestResetAction } from '../actions';

export const metadata = { title: 'Forgot your password?', robots: { index: false } };

export default function ForgotPasswordPage() {
  return (
    <AuthCard
      eyebrow="Customer portal"
      title="Forgot your password?"
      footer={
        <Link className="underline" href="/portal/sign-in">
          Back to sign-in
        </Link>
      }
    >
      <ForgotPasswordForm action={requestResetAction} />
    </AuthCard>
  );
}
