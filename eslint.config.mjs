// ESLint: TypeScript rules plus the architecture guards from docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.next/**', 'node_modules/**', 'drizzle/**', 'test-results/**', 'playwright-report/**', 'bench/portkey/**', 'next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-globals': ['error', { name: 'parseFloat', message: 'No floats near money: use dec() from lib/pricing/money.' }],
    },
  },
  {
    // UI never touches the database: it gets plain data from server components and actions.
    files: ['components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['drizzle-orm', 'drizzle-orm/*'], message: 'components/ must not use the database.' },
            { group: ['@/lib/db', '@/lib/db/*', '**/lib/db', '**/lib/db/*'], message: 'components/ must not use the database.' },
          ],
        },
      ],
    },
  },
  {
    // Domain code never depends on the web layer, and logs through the redacting logger.
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@/app/*', '**/app/*', '@/components/*', '**/components/*'], message: 'lib/ must not import from app/ or components/.' }] },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['lib/**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tenant-facing code never reaches the admin views (cost, markup and margin live there).
    files: ['app/(portal)/**/*.{ts,tsx}', 'app/api/portal/**/*.ts', 'components/portal/**/*.{ts,tsx}', 'lib/portal-views/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@/lib/admin-views/*', '**/admin-views/*', '@/components/admin/*', '**/components/admin/*'],
              message: 'Portal code must not import admin views.',
            },
          ],
        },
      ],
    },
  },
  {
    // Client API routes answer with the client price type only, never the admin pricing view.
    files: ['app/api/v1/**/*.ts', 'app/api/portal/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@/lib/pricing/views',
              importNames: ['buildAdminModelPricing', 'AdminModelPricing', 'ADMIN_PRICING_ACTIONS'],
              message: 'Client API routes must not use the admin pricing view.',
            },
            {
              name: '@/lib/pricing/service',
              importNames: ['listAdminPricing', 'getAdminModelPricing', 'adminPricingQuerySchema', 'AdminPricingRow'],
              message: 'Client API routes must not use the admin pricing view.',
            },
          ],
          patterns: [{ group: ['@/lib/admin-views/*', '**/admin-views/*'], message: 'Client API routes must not import admin views.' }],
        },
      ],
    },
  },
);
