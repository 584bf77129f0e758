'use client';

/**
 * MFA for the signed-in administrator: set up (QR code + manual key, then a code to confirm),
 * recovery codes shown once, regenerate, disable.
 */
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import { Button } from '../ui/button';
import { Alert } from '../ui/feedback';
import { Field, FormError, Input } from '../ui/field';

type Act<T> = (input?: unknown) => Promise<ActionResult<T>>;

export interface MfaStatusView {
  enabled: boolean;
  enrolmentPending: boolean;
  recoveryCodesLeft: number;
  sessionVerified: boolean;
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Alert tone="warning" title="Save these recovery codes now">
      <p>Each works once if you lose your device. They will not be shown again.</p>
      <ul className="mt-2 grid grid-cols-2 gap-1 font-mono text-sm" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
    </Alert>
  );
}

function CodeForm({
  label,
  submit,
  busyLabel,
  onDone,
}: {
  label: string;
  submit: Act<unknown>;
  busyLabel: string;
  onDone: (r: ActionResult<unknown>) => void;
}) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await submit({ code });
          if (!r.ok) setError(r.fieldErrors?.code?.join(' ') ?? r.message);
          else {
            setError(null);
            setCode('');
          }
          onDone(r);
        });
      }}
    >
      <Field label={label} errors={error} className="w-56">
        {(p) => <Input {...p} value={code} onChange={(e) => setCode(e.target.value)} autoComplete="one-time-code" required />}
      </Field>
      <Button type="submit" loading={pending}>
        {busyLabel}
      </Button>
    </form>
  );
}

export function MfaPanel({
  status,
  begin,
  confirm,
  disable,
  regenerate,
}: {
  status: MfaStatusView;
  begin: Act<{ secret: string; otpauthUrl: string; qrDataUrl: string }>;
  confirm: Act<{ recoveryCodes: string[] }>;
  disable: Act<null>;
  regenerate: Act<{ recoveryCodes: string[] }>;
}) {
  const router = useRouter();
  const [enrolment, setEnrolment] = useState<{ secret: string; qrDataUrl: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();

  return (
    <div className="space-y-4">
      {message ? <Alert tone={message.ok ? 'success' : 'danger'}>{message.text}</Alert> : null}
      {codes ? <RecoveryCodes codes={codes} /> : null}
      <p className="text-sm text-slate-700">
        MFA is <strong>{status.enabled ? 'on' : 'off'}</strong>. {status.enabled ? `${status.recoveryCodesLeft} recovery codes left. ` : ''}
        This session {status.sessionVerified ? 'was' : 'was not'} verified with MFA.
      </p>
      {!status.enabled && !enrolment ? (
        <Button
          loading={pending}
          onClick={() =>
            start(async () => {
              const r = await begin();
              if (r.ok) setEnrolment({ secret: r.data.secret, qrDataUrl: r.data.qrDataUrl });
              else setMessage({ ok: false, text: r.message });
            })
          }
        >
          Set up an authenticator app
        </Button>
      ) : null}
      {enrolment ? (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">Scan the QR code with your authenticator app, or type the key, then enter the 6-digit code it shows.</p>
          <img src={enrolment.qrDataUrl} alt="QR code for your authenticator app" width={220} height={220} className="rounded border border-slate-200" />
          <p className="text-sm">
            Key:{' '}
            <code className="break-all select-all" data-testid="mfa-secret">
              {enrolment.secret}
            </code>
          </p>
          <CodeForm
            label="Code from the app"
            busyLabel="Turn on MFA"
            submit={confirm}
            onDone={(r) => {
              if (r.ok) {
                setCodes((r.data as { recoveryCodes: string[] }).recoveryCodes);
                setEnrolment(null);
                setMessage({ ok: true, text: r.message ?? 'MFA is on.' });
                router.refresh();
              }
            }}
          />
        </div>
      ) : null}
      {status.enabled ? (
        <div className="space-y-4">
          <CodeForm
            label="Current code (new recovery codes)"
            busyLabel="Regenerate recovery codes"
            submit={regenerate}
            onDone={(r) => {
              if (r.ok) setCodes((r.data as { recoveryCodes: string[] }).recoveryCodes);
            }}
          />
          <CodeForm
            label="Code or recovery code (turn off)"
            busyLabel="Turn off MFA"
            submit={disable}
            onDone={(r) => {
              if (r.ok) {
                setMessage({ ok: true, text: r.message ?? 'MFA is off.' });
                setCodes(null);
                router.refresh();
              }
            }}
          />
        </div>
      ) : null}
      <FormError message={null} />
    </div>
  );
}
