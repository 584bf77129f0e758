'use client';

import { useEffect, useId, useState, type InputHTMLAttributes } from 'react';
import { Input } from '../ui/field';

/**
 * A tenant chosen by slug, with suggestions fetched as you type (the tenants list's own search,
 * `/api/admin/tenants?q=`, 25 at a time). Forms used to embed every tenant in a <select>: with
 * 5,000 tenants that was ~800 KB in the billing page's HTML and RSC data. Empty = all tenants.
 */
export function TenantSlugInput({
  value,
  onChange,
  ...rest
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'list'> & { value: string; onChange: (slug: string) => void }) {
  const listId = useId();
  const [options, setOptions] = useState<Array<{ slug: string; name: string }>>([]);
  useEffect(() => {
    const q = value.trim();
    if (q.length < 2) return;
    const ctrl = new AbortController();
    const t = setTimeout(() => {
      fetch(`/api/admin/tenants?${new URLSearchParams({ q, limit: '25' })}`, { signal: ctrl.signal })
        .then((r) => (r.ok ? (r.json() as Promise<{ items: Array<{ slug: string; name: string }> }>) : { items: [] }))
        .then((d) => setOptions(d.items.map((i) => ({ slug: i.slug, name: i.name }))))
        .catch(() => {});
    }, 200);
    return () => {
      clearTimeout(t);
      ctrl.abort();
    };
  }, [value]);
  return (
    <>
      <Input {...rest} value={value} onChange={(e) => onChange(e.target.value)} list={listId} autoComplete="off" placeholder="All tenants (or a slug)" />
      <datalist id={listId}>
        {options.map((o) => (
          <option key={o.slug} value={o.slug}>
            {o.name}
          </option>
        ))}
      </datalist>
    </>
  );
}
