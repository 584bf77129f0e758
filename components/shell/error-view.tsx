'use client';

import Link from 'next/link';
import { Button } from '../ui/button';

/** The error boundary body: no internal message is shown (only Next's digest, to quote to support). */
export function ErrorView({ error, reset, home }: { error: Error & { digest?: string }; reset: () => void; home: string }) {
  return (
    <div className="mx-auto max-w-lg rounded-xl border border-red-200 bg-white p-6 shadow-sm" role="alert">
      <h1 className="text-lg font-semibold text-slate-900">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-700">This page could not be loaded. Nothing was changed. Try again, or come back in a moment.</p>
      {error.digest ? <p className="mt-2 text-xs text-slate-600">Reference: {error.digest}</p> : null}
      <div className="mt-4 flex gap-2">
        <Button onClick={reset}>Try again</Button>
        <Link className="inline-flex h-9 items-center rounded-md px-3 text-sm text-brand-700 underline" href={home}>
          Start page
        </Link>
      </div>
    </div>
  );
}
