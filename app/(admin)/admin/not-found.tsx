import Link from 'next/link';
import { EmptyState } from '@/components/ui/feedback';

export default function NotFound() {
  return (
    <EmptyState
      title="Not found"
      description="This page or record does not exist (or is not yours to see)."
      action={
        <Link className="text-sm text-brand-700 underline" href="/admin">
          Back to the start page
        </Link>
      }
    />
  );
}
