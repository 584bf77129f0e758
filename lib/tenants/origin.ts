/** The app's origin as the browser sees it (for links in mails when RADIANT_PUBLIC_URL is unset). */
import 'server-only';

export async function requestOrigin(): Promise<string | undefined> {
  const { headers } = await import('next/headers');
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host');
  if (!host) return undefined;
  return `${h.get('x-forwarded-proto') ?? 'http'}://${host}`;
}
