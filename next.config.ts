import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files from its own package folder; bundling it breaks that.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'pdfkit', 'pino', 'ioredis', 'prom-client', 'pg-boss'],
  poweredByHeader: false,
  // Static files and the gateway's route handlers (under `next start`); pages and the other APIs
  // get theirs, with the CSP nonce, from proxy.ts (lib/platform/security-headers.ts).
  async headers() {
    const common = [
      { key: 'X-Content-Type-Options', value: 'nosniff' },
      { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
      { key: 'X-Frame-Options', value: 'DENY' },
    ];
    return [
      { source: '/_next/static/:path*', headers: common },
      { source: '/api/v1/:path*', headers: [...common, { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }] },
      { source: '/:file(favicon.*|og.png)', headers: common },
    ];
  },
};

export default nextConfig;
