import Link from 'next/link';

export default function LandingPage() {
  return (
    <main className="mx-auto flex min-h-screen max-w-4xl flex-col justify-center gap-10 px-6 py-16">
      <header className="space-y-3">
        <p className="text-sm font-semibold uppercase tracking-widest text-brand-700">RADIANT</p>
        <h1 className="text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl">One gateway for every AI model, with the books to match.</h1>
        <p className="max-w-2xl text-lg text-slate-600">
          An OpenAI-compatible API in front of dozens of providers, exact metering and billing, and a back office where two people approve every risky change.
        </p>
      </header>
      <nav aria-label="Entry points" className="grid gap-4 sm:grid-cols-2">
        <Link href="/admin" className="group rounded-xl border border-slate-200 bg-white p-6 shadow-sm transition hover:border-brand-500 hover:shadow-md">
          <h2 className="text-lg font-semibold text-slate-900 group-hover:text-brand-700">Admin console →</h2>
          <p className="mt-1 text-sm text-slate-600">Catalog, markups and margin, approvals, billing, audit.</p>
        </Link>
        <Link href="/portal" className="group rounded-xl border border-slate-200 bg-white p-6 shadow-sm transition hover:border-brand-500 hover:shadow-md">
          <h2 className="text-lg font-semibold text-slate-900 group-hover:text-brand-700">Customer portal →</h2>
          <p className="mt-1 text-sm text-slate-600">Prices, usage and spend, invoices, API keys.</p>
        </Link>
      </nav>
      <section className="rounded-xl border border-slate-200 bg-white p-6 text-sm text-slate-700">
        <h2 className="mb-2 font-semibold text-slate-900">API</h2>
        <p>
          Point any OpenAI client at <code className="rounded bg-slate-100 px-1.5 py-0.5">/api/v1</code> with a RADIANT API key. Service status:{' '}
          <Link className="text-brand-700 underline" href="/api/health">
            /api/health
          </Link>
          .
        </p>
      </section>
    </main>
  );
}
