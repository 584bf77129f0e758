/**
 * Every console screen renders for a super admin (screenshots saved with the results), the
 * interactive pieces work (usage filters, optimizer ranking, routing-rule validation, tenant
 * tabs), and the console collapses to a menu at phone width.
 */
import { expect, test } from '@playwright/test';
import { expectChart, shot, signInAdmin } from './admin-support';

const SCREENS: Array<[string, string, boolean]> = [
  ['/admin/markups', 'admin-markups', false],
  ['/admin/alerts', 'admin-estimated-costs', false],
  ['/admin/providers', 'admin-providers', false],
  ['/admin/tenants', 'admin-tenants', false],
  ['/admin/billing/invoices', 'admin-billing-invoices-list', false],
  ['/admin/billing/periods', 'admin-billing-periods', false],
  ['/admin/billing/reconciliation', 'admin-billing-reconciliation', false],
  ['/admin/billing/exports', 'admin-billing-exports', false],
  ['/admin/billing/margin', 'admin-billing-margin', false],
];

test('every console screen renders, with screenshots', async ({ page }, info) => {
  test.setTimeout(180_000);
  await signInAdmin(page);
  for (const [path, name] of SCREENS) {
    await test.step(path, async () => {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.getByRole('alert').filter({ hasText: /went wrong/i })).toHaveCount(0);
      await shot(page, info, name);
    });
  }

  await test.step('usage explorer: filter, charts, table', async () => {
    await page.goto('/admin/usage');
    await expectChart(page);
    await page.getByRole('form', { name: 'Usage filters' }).getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/status=error/);
    const rows = page.getByTestId('usage-table').locator('tbody tr');
    await expect(rows.first()).toBeVisible();
    await expect(rows.first().locator('td[data-col="status"]')).toHaveText(/error|No requests/);
    // a bad range is refused on the client with a field error
    await page.getByLabel('From (UTC day)').fill('2030-01-02');
    await page.getByLabel('To (UTC day)').fill('2030-01-01');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByText('The start must be on or before the end')).toBeVisible();
    await shot(page, info, 'admin-usage');
    const csv = await page.request.get('/admin/usage/export?status=error');
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[0]).toContain('request_id');
  });

  await test.step('optimizer ranks candidates with admin-only cost and margin', async () => {
    await page.goto('/admin/optimizer');
    await page.getByLabel('Preference').selectOption('minimize');
    await page.getByRole('button', { name: 'Rank models' }).click();
    const table = page.getByTestId('optimizer-table');
    await expect(table).toBeVisible();
    await expect(table.locator('thead')).toContainText('Margin');
    await expect(table.locator('tbody tr').first()).toContainText('selected');
    await shot(page, info, 'admin-optimizer');
  });

  await test.step('routing rules editor validates with field errors', async () => {
    await page.goto('/admin/providers');
    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('e2e fallback');
    await dialog.getByLabel('Action').selectOption('fallback');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await expect(dialog.getByText('List at least one fallback model')).toBeVisible();
    await dialog.getByLabel('Fallback models (in order)').fill('gpt-4.1-mini, claude-haiku-4.5');
    await dialog.getByLabel('Enabled').uncheck();
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    // A rule is a proposal (issue 17): nothing changes until a second administrator approves it.
    await expect(dialog.getByText('Submitted for approval')).toBeVisible();
    const link = dialog.getByRole('link', { name: /Create routing rule "e2e fallback"/ });
    await expect(link).toBeVisible();
    const requestId = (await link.getAttribute('href'))!.split('/').pop()!;
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('routing-rules-table')).not.toContainText('e2e fallback');
    // A second administrator approves it; then the rule is live.
    const approver = await (await page.context().browser()!.newContext({ baseURL: info.project.use.baseURL })).newPage();
    await signInAdmin(approver, 'approver@radiant.local');
    expect((await approver.request.post(`/api/admin/approvals/${requestId}/approve`, { data: {} })).status()).toBe(200);
    await approver.context().close();
    await page.reload();
    await expect(page.getByTestId('routing-rules-table')).toContainText('e2e fallback');
    // Deleting asks for confirmation and is a proposal too: the rule stays until approved.
    const row = page.getByTestId('routing-rules-table').locator('tbody tr', { hasText: 'e2e fallback' });
    await row.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete rule' }).click();
    await expect(page.getByText('Submitted for approval')).toBeVisible();
    await expect(page.getByRole('link', { name: /Delete routing rule/ })).toBeVisible();
    await expect(page.getByTestId('routing-rules-table')).toContainText('e2e fallback');
  });

  await test.step('tenant detail tabs', async () => {
    await page.goto('/admin/tenants');
    await page.getByTestId('tenants-table').getByRole('link', { name: 'Acme Corporation' }).click();
    await expectChart(page);
    await page.getByRole('tab', { name: /Model access/ }).click();
    await expect(page.getByRole('tabpanel')).toContainText('Annual commitment discount');
    await page.getByRole('tab', { name: /API keys/ }).click();
    await expect(page.getByRole('tabpanel')).toContainText('Production');
    await shot(page, info, 'admin-tenant-detail');
  });

  await test.step('phone width: the side nav collapses behind a menu button', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/admin');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav).toBeHidden();
    await page.getByRole('button', { name: 'Menu' }).click();
    await expect(nav).toBeVisible();
    await shot(page, info, 'admin-phone-menu');
    await nav.getByRole('link', { name: 'Models & pricing' }).click();
    await page.waitForURL(/\/admin\/models/);
    await expect(page.getByRole('heading', { level: 1, name: 'Models & pricing' })).toBeVisible();
    await expect(nav).toBeHidden();
    await shot(page, info, 'admin-phone-models');
  });
});
