'use client';

import { forwardRef, useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { cn } from './cn';

const CONTROL =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-900 shadow-sm placeholder:text-slate-500 focus:border-brand-600 focus:ring-1 focus:ring-brand-600 focus:outline-none disabled:bg-slate-100 disabled:text-slate-500 aria-[invalid=true]:border-red-600';

export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function Input({ className, ...rest }, ref) {
  return <input ref={ref} className={cn(CONTROL, 'h-9', className)} {...rest} />;
});

export const Textarea = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement>>(function Textarea({ className, ...rest }, ref) {
  return <textarea ref={ref} className={cn(CONTROL, 'min-h-20', className)} {...rest} />;
});

export interface SelectOption {
  value: string;
  label: string;
}

/** `emptyLabel`: a first option with the value "" ("All tenants", "—"), before `options`. */
export const Select = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement> & { options?: SelectOption[]; emptyLabel?: string }>(
  function Select({ className, options, emptyLabel, children, ...rest }, ref) {
    return (
      <select ref={ref} className={cn(CONTROL, 'h-9 pr-8', className)} {...rest}>
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {children}
      </select>
    );
  },
);

export function Label({ htmlFor, children, className }: { htmlFor?: string; children: ReactNode; className?: string }) {
  return (
    <label htmlFor={htmlFor} className={cn('block text-sm font-medium text-slate-800', className)}>
      {children}
    </label>
  );
}

export function FieldError({ id, errors }: { id?: string; errors?: string[] | string | null }) {
  const list = typeof errors === 'string' ? [errors] : (errors ?? []);
  if (list.length === 0) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-xs font-medium text-red-700">
      {list.join(' ')}
    </p>
  );
}

/**
 * Label + control + hint + field errors, wired for assistive tech: the control gets the id,
 * aria-invalid and aria-describedby. `children` is a render function receiving those props.
 */
export function Field({
  label,
  hint,
  errors,
  className,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[] | string | null;
  className?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const hasErr = (typeof errors === 'string' ? [errors] : (errors ?? [])).length > 0;
  const describedBy = [hint ? hintId : null, hasErr ? errId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cn('space-y-1', className)}>
      <Label htmlFor={id}>{label}</Label>
      {children({ id, 'aria-invalid': hasErr, 'aria-describedby': describedBy })}
      {hint ? (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <FieldError id={errId} errors={errors} />
    </div>
  );
}

export function Checkbox({ label, className, ...rest }: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode }) {
  return (
    <label className={cn('inline-flex items-center gap-2 text-sm text-slate-800', className)}>
      <input type="checkbox" className="size-4 rounded border-slate-400 text-brand-700 focus:ring-brand-600" {...rest} />
      {label}
    </label>
  );
}

/** A form-level error (not tied to one field). */
export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </div>
  );
}
