import Link from 'next/link';

/** Shown when the signed-in person lacks the permission for a page. */
export function Forbidden({ reason, home = '/admin' }: { reason: string; home?: string }) {
  return (
    <div className="mx-auto max-w-lg rounded-xl border border-amber-300 bg-amber-50 p-6 text-amber-950" role="alert">
      <h1 className="text-lg font-semibold">You do not have access to this page</h1>
      <p className="mt-2 text-sm">{reason}</p>
      <Link href={home} className="mt-4 inline-block text-sm font-medium text-brand-700 underline">
        Back to the start page
      </Link>
    </div>
  );
}
