/**
 * (c) The auditor reads everything and changes nothing: every console screen renders for the
 * auditor role without a single mutating control, governance's decision buttons are disabled,
 * and mutating requests are refused by the server.
 */
import { expect, test } from '@playwright/test';
import { AUDITOR, shot, signInAdmin } from './admin-support';

const SCREENS = [
  '/admin',
  '/admin/models',
  '/admin/markups',
  '/admin/alerts',
  '/admin/providers',
  '/admin/optimizer',
  '/admin/tenants',
  '/admin/usage',
  '/admin/billing',
  '/admin/billing/invoices',
  '/admin/billing/periods',
  '/admin/billing/reconciliation',
  '/admin/billing/exports',
  '/admin/billing/margin',
  '/admin/approvals',
  '/admin/audit',
];

/** Buttons that change something somewhere in the console (proposals count: they create requests). */
const MUTATING =
  /^(Propose|Propose for selected|Bulk by provider|Propose change|Remove…|Acknowledge|Adjust cost…|Resolve…|Change…|New rule|Edit|Delete…|Change tier…|Start billing run|Mark paid…|Void…|Propose close…|Record adjustment|Submit for approval|Approve and apply|Reject|Invite|Revoke)/;

test('auditor can read every screen but has no mutating control, and writes are refused', async ({ page }, info) => {
  test.setTimeout(120_000);
  await signInAdmin(page, AUDITOR);
  await expect(page.getByTestId('current-user')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' })).toBeVisible();

  for (const path of SCREENS) {
    await test.step(path, async () => {
      const res = await page.goto(path);
      expect(res?.status(), path).toBeLessThan(400);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByText('You do not have access to this page')).toHaveCount(0);
      const buttons = page.getByRole('button');
      const n = await buttons.count();
      for (let i = 0; i < n; i++) {
        const b = buttons.nth(i);
        const name = ((await b.getAttribute('aria-label')) ?? (await b.innerText())).trim();
        if (MUTATING.test(name)) {
          // governance screens may show decision buttons, but disabled with the reason
          await expect(b, `${path}: "${name}" must be disabled for the auditor`).toBeDisabled();
        }
      }
    });
  }

  await test.step('tenant detail and an invoice are readable', async () => {
    await page.goto('/admin/tenants');
    // The first tenant's link (the header's links sort the list).
    await page.getByTestId('tenants-table').locator('tbody').getByRole('link').first().click();
    await expect(page.getByRole('tab', { name: /Model access/ })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Change tier…' })).toHaveCount(0);
  });

  await test.step('the optimizer (read-only) still ranks models', async () => {
    await page.goto('/admin/optimizer');
    await page.getByRole('button', { name: 'Rank models' }).click();
    await expect(page.getByTestId('optimizer-table')).toBeVisible();
    await shot(page, info, 'auditor-optimizer');
  });

  await test.step('mutating API calls are refused for the auditor', async () => {
    const origin = new URL(page.url()).origin;
    const run = await page.request.post('/api/admin/billing/run', { data: { period: '2020-01' }, headers: { origin } });
    expect(run.status()).toBe(403);
    const propose = await page.request.post('/api/admin/approvals', {
      data: { action: 'markup.set_default', payload: { scope: 'default_external', markupPercent: '41', reason: 'auditor attempt' } },
      headers: { origin },
    });
    expect(propose.status()).toBe(403);
  });
  await page.goto('/admin/models');
  await shot(page, info, 'auditor-models');
});
