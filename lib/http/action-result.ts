/**
 * The result every server action of the admin console and the portal returns to its form:
 * success with data, or a message plus field errors (zod paths -> messages). Plain data, safe to
 * import from client components.
 */
export type FieldErrors = Record<string, string[]>;

export type ActionResult<T = null> = { ok: true; data: T; message?: string } | { ok: false; message: string; fieldErrors?: FieldErrors; requestId?: string };

/** zod issues -> { "path.to.field": [messages] } */
export function fieldErrorsFrom(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const key = i.path.map(String).join('.') || '_form';
    (out[key] ??= []).push(i.message);
  }
  return out;
}
