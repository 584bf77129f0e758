'use client';

/**
 * The one client flow for a form that posts to a server action: validate with the same zod
 * schema the server uses (field errors at once, no round trip), then call the action, keep its
 * result, put its field errors under their fields, and refresh the page's server data on success.
 * The action gets the raw input: the server validates again (it is the authority).
 */
import { useRouter } from 'next/navigation';
import { useCallback, useState } from 'react';
import type { ActionResult, FieldErrors } from '@/lib/http/action-result';
import { fieldErrorsFrom } from '@/lib/http/action-result';

interface Schema {
  safeParse(input: unknown): { success: true } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}

export interface ActionFormState<T> {
  errors: FieldErrors;
  /** The last answer of the action (null before the first call or after `reset`). */
  result: ActionResult<T> | null;
  busy: boolean;
  /** Validates and calls the action; resolves to its answer, or null when validation failed. */
  submit(input: unknown): Promise<ActionResult<T> | null>;
  reset(): void;
}

export function useActionForm<T>(
  schema: Schema | null,
  action: (input: unknown) => Promise<ActionResult<T>>,
  options: { refresh?: boolean; onSuccess?: (data: T) => void } = {},
): ActionFormState<T> {
  const router = useRouter();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [result, setResult] = useState<ActionResult<T> | null>(null);
  const [busy, setBusy] = useState(false);
  const { refresh = true, onSuccess } = options;

  const submit = useCallback(
    async (input: unknown): Promise<ActionResult<T> | null> => {
      const parsed = schema?.safeParse(input);
      if (parsed && !parsed.success) {
        setErrors(fieldErrorsFrom(parsed.error.issues));
        setResult(null);
        return null;
      }
      setErrors({});
      setBusy(true);
      try {
        const r = await action(input);
        setResult(r);
        if (r.ok) {
          onSuccess?.(r.data);
          if (refresh) router.refresh();
        } else setErrors(r.fieldErrors ?? {});
        return r;
      } finally {
        setBusy(false);
      }
    },
    [schema, action, refresh, onSuccess, router],
  );
  const reset = useCallback(() => {
    setErrors({});
    setResult(null);
  }, []);
  return { errors, result, busy, submit, reset };
}
