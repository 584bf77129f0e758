'use client';

/**
 * A generic "propose a change" form over the executor registry: pick the action, edit its JSON
 * payload (pre-filled with an example), say why, what it affects and how to roll it back.
 * Domain screens (markups, catalog) offer friendlier forms for the same actions.
 */
import Link from 'next/link';
import { useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import { Button } from '../ui/button';
import { Alert } from '../ui/feedback';
import { Field, FormError, Input, Select, Textarea } from '../ui/field';

export interface ProposableAction {
  action: string;
  label: string;
  type: string;
  defaultRisk: string;
  example: string;
}

type Propose = (input: unknown) => Promise<ActionResult<{ id: string; title: string }>>;

export function ProposeForm({ actions, propose }: { actions: ProposableAction[]; propose: Propose }) {
  const [action, setAction] = useState(actions[0]?.action ?? '');
  const current = actions.find((a) => a.action === action);
  const [payload, setPayload] = useState(current?.example ?? '{}');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [riskLevel, setRiskLevel] = useState('');
  const [impactAnalysis, setImpact] = useState('');
  const [rollbackPlan, setRollback] = useState('');
  const [result, setResult] = useState<ActionResult<{ id: string; title: string }> | null>(null);
  const [pending, start] = useTransition();
  const fe = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  const payloadErrors = Object.entries(fe)
    .filter(([k]) => k === 'payload' || !['action', 'title', 'description', 'riskLevel', 'impactAnalysis', 'rollbackPlan'].includes(k))
    .map(([k, v]) => (k === 'payload' || k === '_form' ? v.join(' ') : `${k}: ${v.join(' ')}`));

  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => setResult(await propose({ action, payload, title, description, riskLevel, impactAnalysis, rollbackPlan })));
      }}
    >
      {result?.ok ? (
        <Alert tone="success" title="Proposed">
          {result.message}{' '}
          <Link className="underline" href={`/admin/approvals/${result.data.id}`}>
            Open “{result.data.title}”
          </Link>
        </Alert>
      ) : null}
      {result && !result.ok ? <FormError message={result.message} /> : null}
      <Field label="Change" hint={current ? `${current.type.replace(/_/g, ' ')} · default risk ${current.defaultRisk}` : undefined} errors={fe.action}>
        {(p) => (
          <Select
            {...p}
            value={action}
            onChange={(e) => {
              setAction(e.target.value);
              setPayload(actions.find((a) => a.action === e.target.value)?.example ?? '{}');
            }}
            options={actions.map((a) => ({ value: a.action, label: `${a.label} (${a.action})` }))}
          />
        )}
      </Field>
      <Field label="Payload (JSON)" errors={payloadErrors.length ? payloadErrors : undefined}>
        {(p) => <Textarea {...p} className="min-h-40 font-mono text-xs" value={payload} onChange={(e) => setPayload(e.target.value)} spellCheck={false} />}
      </Field>
      <Field label="Title" hint="Optional: a title is generated from the payload." errors={fe.title}>
        {(p) => <Input {...p} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={255} />}
      </Field>
      <Field label="Why" errors={fe.description}>
        {(p) => <Textarea {...p} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <Field label="Risk" hint="You may raise the risk above the change's minimum, never lower it." errors={fe.riskLevel}>
        {(p) => (
          <Select
            {...p}
            value={riskLevel}
            onChange={(e) => setRiskLevel(e.target.value)}
            options={[{ value: '', label: 'Default for this change' }, ...['low', 'medium', 'high', 'critical'].map((r) => ({ value: r, label: r }))]}
          />
        )}
      </Field>
      <Field label="Impact analysis" hint="Optional: the current -> proposed values are added automatically." errors={fe.impactAnalysis}>
        {(p) => <Textarea {...p} value={impactAnalysis} onChange={(e) => setImpact(e.target.value)} />}
      </Field>
      <Field label="Rollback plan" errors={fe.rollbackPlan}>
        {(p) => <Textarea {...p} value={rollbackPlan} onChange={(e) => setRollback(e.target.value)} />}
      </Field>
      <Button type="submit" loading={pending}>
        Propose
      </Button>
    </form>
  );
}
