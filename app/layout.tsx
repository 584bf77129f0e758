import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { headers } from 'next/headers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'RADIANT', template: '%s · RADIANT' },
  description: 'AI model gateway with an admin and billing back office',
  icons: {
    icon: [
      { url: '/favicon.svg', type: 'image/svg+xml' },
      { url: '/favicon-32.png', type: 'image/png', sizes: '32x32' },
    ],
  },
  openGraph: {
    title: 'RADIANT',
    description: 'AI model gateway with an admin and billing back office',
    images: [{ url: '/og.png', width: 1200, height: 630, alt: 'RADIANT: AI model gateway' }],
  },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

/**
 * Reading the request headers makes every page render per request, so Next puts the proxy's
 * CSP nonce (proxy.ts, lib/platform/security-headers.ts) on its scripts; a prerendered page would
 * carry scripts without it and the browser would refuse them.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await headers();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
