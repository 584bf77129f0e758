'use client';

import { useActionState } from 'react';
import { buttonClasses } from '@/components/ui/button';
import { Alert } from '@/components/ui/feedback';

export interface WebhookFormState {
  secret?: string;
  url?: string;
  fieldErrors?: Record<string, string>;
  error?: string;
}

/** Register a URL; shows the signing secret once. */
export function WebhookForm({ action }: { action: (prev: WebhookFormState, form: FormData) => Promise<WebhookFormState> }) {
  const [state, submit, pending] = useActionState(action, {});
  return (
    <form action={submit} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      {state.secret ? (
        <Alert tone="success" title="Webhook registered: copy its signing secret now, it is shown only once">
          <code className="break-all" data-testid="webhook-secret">
            {state.secret}
          </code>
          <div className="mt-1 text-xs">
            Verify deliveries to {state.url} with a Standard Webhooks library (webhook-id, webhook-timestamp, webhook-signature headers).
          </div>
        </Alert>
      ) : null}
      {state.error ? <Alert tone="danger">{state.error}</Alert> : null}
      <div>
        <label htmlFor="wh-url" className="block text-sm font-medium text-slate-700">
          Endpoint URL
        </label>
        <input
          id="wh-url"
          name="url"
          type="url"
          required
          placeholder="https://example.com/radiant-webhooks"
          aria-invalid={!!state.fieldErrors?.url}
          aria-describedby={state.fieldErrors?.url ? 'wh-url-err' : undefined}
          className="mt-1 w-full rounded border border-slate-300 px-2 py-1.5 text-sm"
        />
        {state.fieldErrors?.url ? (
          <p id="wh-url-err" className="mt-1 text-sm text-red-700">
            {state.fieldErrors.url}
          </p>
        ) : null}
      </div>
      <div>
        <label htmlFor="wh-desc" className="block text-sm font-medium text-slate-700">
          Description (optional)
        </label>
        <input id="wh-desc" name="description" maxLength={200} className="mt-1 w-full rounded border border-slate-300 px-2 py-1.5 text-sm" />
      </div>
      <p className="text-xs text-slate-600">Events: job.completed, job.failed.</p>
      <button type="submit" className={buttonClasses('primary', 'md')} disabled={pending}>
        {pending ? 'Saving…' : 'Add webhook'}
      </button>
    </form>
  );
}
