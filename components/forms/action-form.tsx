'use client';

/**
 * A small form described by its fields, posting to a server action that returns an
 * ActionResult: field errors land under their fields, a form error above the button, and the
 * success state is whatever `success(data)` renders (e.g. an invitation link). Used by the tenant
 * and people screens; the flow itself is `useActionForm`.
 */
import { useState, type ReactNode } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import { Button } from '../ui/button';
import { DialogContent, DialogRoot, DialogTrigger } from '../ui/dialog';
import { Checkbox, Field, FormError, Input, Select, Textarea } from '../ui/field';
import { useActionForm } from './use-action-form';

export type FieldSpec =
  | {
      name: string;
      label: string;
      type: 'text' | 'email' | 'password' | 'number' | 'date';
      hint?: string;
      required?: boolean;
      defaultValue?: string;
      autoComplete?: string;
      placeholder?: string;
      step?: string;
    }
  | { name: string; label: string; type: 'select'; options: Array<{ value: string; label: string }>; hint?: string; defaultValue?: string }
  | { name: string; label: string; type: 'textarea'; hint?: string; defaultValue?: string }
  | { name: string; label: string; type: 'checkbox'; hint?: string; defaultChecked?: boolean };

export type FormAction<T> = (input: unknown) => Promise<ActionResult<T>>;

export function ActionForm<T>({
  fields,
  action,
  submitLabel,
  success,
  extra,
  onDone,
  columns = 1,
  ariaLabel,
  refresh = true,
}: {
  fields: FieldSpec[];
  action: FormAction<T>;
  submitLabel: string;
  /** What to show once the action succeeded (the form is replaced); default: the form resets. */
  success?: (data: T, message?: string) => ReactNode;
  /** Values sent along (ids), not shown. */
  extra?: Record<string, unknown>;
  onDone?: () => void;
  columns?: 1 | 2;
  ariaLabel?: string;
  /** Refresh the page's server data on success (default). Off where the page itself would no
   * longer show the result, e.g. a single-use link's page re-reading its now-used token. */
  refresh?: boolean;
}) {
  const [formKey, setFormKey] = useState(0);
  // No client schema here: the fields are plain strings/booleans and the server action
  // validates (its field errors land under the fields).
  const {
    result,
    busy,
    errors: fe,
    submit,
  } = useActionForm<T>(null, action, {
    refresh,
    onSuccess: () => {
      if (!success) setFormKey((k) => k + 1);
      onDone?.();
    },
  });
  if (result?.ok && success) return <>{success(result.data, result.message)}</>;
  return (
    <form
      key={formKey}
      noValidate
      aria-label={ariaLabel}
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const fd = new FormData(e.currentTarget);
        const input: Record<string, unknown> = { ...extra };
        for (const f of fields) input[f.name] = f.type === 'checkbox' ? fd.get(f.name) === 'on' : String(fd.get(f.name) ?? '');
        void submit(input);
      }}
    >
      {result?.ok && !success && result.message ? (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          {result.message}
        </p>
      ) : null}
      <div className={columns === 2 ? 'grid gap-4 sm:grid-cols-2' : 'space-y-4'}>
        {fields.map((f) =>
          f.type === 'checkbox' ? (
            <div key={f.name}>
              <Checkbox name={f.name} label={f.label} defaultChecked={f.defaultChecked} />
              {f.hint ? <p className="text-xs text-slate-600">{f.hint}</p> : null}
            </div>
          ) : (
            <Field
              key={f.name}
              label={f.label}
              hint={f.hint}
              errors={fe[f.name]}
              className={f.type === 'textarea' && columns === 2 ? 'sm:col-span-2' : undefined}
            >
              {(p) =>
                f.type === 'select' ? (
                  <Select {...p} name={f.name} defaultValue={f.defaultValue} options={f.options} />
                ) : f.type === 'textarea' ? (
                  <Textarea {...p} name={f.name} rows={3} defaultValue={f.defaultValue} />
                ) : (
                  <Input
                    {...p}
                    name={f.name}
                    type={f.type}
                    defaultValue={f.defaultValue}
                    required={f.required}
                    autoComplete={f.autoComplete ?? 'off'}
                    placeholder={f.placeholder}
                    step={f.step}
                    inputMode={f.type === 'number' ? 'decimal' : undefined}
                  />
                )
              }
            </Field>
          ),
        )}
      </div>
      <FormError message={result && !result.ok ? result.message : null} />
      <Button type="submit" loading={busy}>
        {submitLabel}
      </Button>
    </form>
  );
}

/** A button that opens a dialog holding an ActionForm. */
export function ActionDialog<T>({
  trigger,
  title,
  description,
  variant = 'secondary',
  wide,
  ...form
}: Parameters<typeof ActionForm<T>>[0] & {
  trigger: string;
  title: string;
  description?: string;
  variant?: 'primary' | 'secondary' | 'danger';
  wide?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [gen, setGen] = useState(0);
  return (
    <DialogRoot
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) setGen((g) => g + 1);
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm" variant={variant}>
          {trigger}
        </Button>
      </DialogTrigger>
      <DialogContent title={title} description={description} wide={wide}>
        <ActionForm key={gen} {...form} onDone={form.success ? undefined : () => setOpen(false)} />
      </DialogContent>
    </DialogRoot>
  );
}

/** The "link on screen" of an invitation or reset when no mail server is configured. */
export function InviteLinkNotice({ email, acceptUrl, what = 'invitation' }: { email: string; acceptUrl: string | null; what?: string }) {
  return (
    <div role="status" className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
      <p className="font-medium">
        {what[0]!.toUpperCase() + what.slice(1)} for {email} created.
      </p>
      {acceptUrl ? (
        <p>
          No mail server is configured (SMTP_URL), so pass this link on yourself:{' '}
          <code className="break-all" data-testid="invite-link">
            {acceptUrl}
          </code>
        </p>
      ) : (
        <p>The e-mail is on its way. The link expires in 7 days.</p>
      )}
    </div>
  );
}
