'use client';

/**
 * Approve / reject / cancel with notes. Each button is enabled only when the server says this
 * administrator may take that step; otherwise it is disabled and the reason is shown next to it
 * (e.g. "You proposed this change: a different administrator must approve it").
 */
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import { Button } from '../ui/button';
import { Alert } from '../ui/feedback';
import { Field, Textarea } from '../ui/field';

type Decide = (input: unknown) => Promise<ActionResult<{ id: string; status: string; link?: string }>>;
interface Step {
  allowed: boolean;
  reason?: string;
}

export function DecisionPanel({
  id,
  closedStatus,
  eligibility,
  approve,
  reject,
  cancel,
}: {
  id: string;
  /** Set once the request is decided: no buttons, one sentence. */
  closedStatus?: string | null;
  eligibility: { approve: Step; reject: Step; cancel: Step };
  approve: Decide;
  reject: Decide;
  cancel: Decide;
}) {
  const router = useRouter();
  const [notes, setNotes] = useState('');
  const [result, setResult] = useState<ActionResult<{ id: string; status: string; link?: string }> | null>(null);
  const [pending, start] = useTransition();
  const [busy, setBusy] = useState<string | null>(null);
  const base = useId();

  const run = (name: string, fn: Decide) =>
    start(async () => {
      setBusy(name);
      const r = await fn({ id, notes: notes.trim() || undefined });
      setResult(r);
      setBusy(null);
      if (r.ok) router.refresh();
    });

  const steps: Array<{ key: 'approve' | 'reject' | 'cancel'; label: string; variant: 'primary' | 'danger' | 'secondary'; fn: Decide }> = [
    { key: 'approve', label: 'Approve and apply', variant: 'primary', fn: approve },
    { key: 'reject', label: 'Reject', variant: 'danger', fn: reject },
    { key: 'cancel', label: 'Cancel request', variant: 'secondary', fn: cancel },
  ];
  const anyAllowed = steps.some((s) => eligibility[s.key].allowed);

  return (
    <div className="space-y-4">
      {result ? (
        <Alert tone={result.ok ? 'success' : 'danger'} title={result.ok ? 'Done' : 'Not done'}>
          {result.message ?? (result.ok ? `Status: ${result.data.status}` : '')}
          {result.ok && result.data.link ? (
            <p className="mt-2">
              No mail server is configured (SMTP_URL): hand this single-use invitation link to the invitee yourself (shown once):{' '}
              <code className="break-all" data-testid="invite-link">
                {result.data.link}
              </code>
            </p>
          ) : null}
        </Alert>
      ) : null}
      {closedStatus ? (
        <p className="text-sm text-slate-700" data-testid="decision-closed">
          This request is <strong>{closedStatus}</strong>; there is nothing left to decide.
        </p>
      ) : null}
      {!closedStatus && anyAllowed ? (
        <Field label="Notes" hint="Required to reject; recorded with your decision in the audit log.">
          {(p) => <Textarea {...p} name="notes" value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={5000} />}
        </Field>
      ) : null}
      <ul className={closedStatus ? 'hidden' : 'space-y-3'}>
        {steps.map((s) => {
          const e = eligibility[s.key];
          const reasonId = `${base}-${s.key}-reason`;
          return (
            <li key={s.key} className="flex flex-wrap items-center gap-3">
              <Button
                variant={s.variant}
                disabled={!e.allowed || pending}
                loading={busy === s.key}
                aria-describedby={e.allowed ? undefined : reasonId}
                onClick={() => run(s.key, s.fn)}
                data-testid={`decision-${s.key}`}
              >
                {s.label}
              </Button>
              {!e.allowed && e.reason ? (
                <span id={reasonId} className="text-sm text-slate-600" data-testid={`decision-${s.key}-reason`}>
                  {e.reason}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
