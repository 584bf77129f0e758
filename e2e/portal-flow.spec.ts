/**
 * (b) A customer end to end: signs in, creates an API key (shown once), calls the gateway with
 * it through the official `openai` client (the app's providers point at the fake upstream),
 * sees the request in their usage, downloads an invoice, and revokes the key.
 * Invoices come from a billing run an administrator starts in the console for last month.
 */
import { expect, test } from '@playwright/test';
import OpenAI from 'openai';
import { shot, signInAdmin, signInTenant } from './admin-support';

function previousPeriod(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

test('tenant creates a key, calls the gateway, sees the usage, downloads an invoice', async ({ page, baseURL }, info) => {
  test.setTimeout(150_000);
  const period = previousPeriod();

  await test.step('an administrator runs billing for last month (progress shown)', async () => {
    await signInAdmin(page);
    await page.goto('/admin/billing');
    await page.getByLabel('Month').selectOption(period);
    await page.getByRole('button', { name: 'Start billing run' }).click();
    const runs = page.getByTestId('billing-runs-table');
    const row = runs.locator('tbody tr', { has: page.locator('td[data-col="period"]', { hasText: period }) }).first();
    await expect(row.locator('td[data-col="status"]')).toHaveText(/succeeded/, { timeout: 60_000 });
    await expect(row.getByRole('progressbar')).toBeVisible();
    await shot(page, info, 'admin-billing-runs');
    await page.goto(`/admin/billing/invoices?period=${period}`);
    await expect(page.getByTestId('invoices-table').locator('tbody tr').first()).toBeVisible();
    await shot(page, info, 'admin-billing-invoices');
  });

  let key = '';
  await test.step('tenant signs in and creates an API key (shown once)', async () => {
    await signInTenant(page);
    await page.goto('/portal/keys');
    await expect(page.getByTestId('api-base-url')).toHaveText(`${baseURL}/api/v1`);
    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await expect(dialog.getByText('Give the key a name')).toBeVisible(); // client-side zod field error
    await dialog.getByLabel('Name').fill('e2e quick-start key');
    await dialog.getByLabel('Requests per minute').fill('600');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    key = (await dialog.getByTestId('new-api-key').innerText()).trim();
    expect(key).toMatch(/^rk_/);
    await shot(page, info, 'portal-key-created');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByTestId('keys-table')).toContainText('e2e quick-start key');
    await expect(page.getByTestId('keys-table')).not.toContainText(key); // never shown again
  });

  let requestId = '';
  await test.step('calls the gateway with the openai client', async () => {
    const client = new OpenAI({ baseURL: `${baseURL}/api/v1`, apiKey: key, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'ping from the e2e portal test' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toContain('ping from the e2e portal test');
    requestId = response.headers.get('x-request-id') ?? '';
    expect(requestId).not.toBe('');
  });

  await test.step('sees the request in their usage', async () => {
    await expect(async () => {
      // The month's requests, filtered on the server by the new key (the filter lands in the URL).
      await page.goto('/portal/usage');
      await page.getByLabel('API key').selectOption({ label: 'e2e quick-start key' });
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect(page).toHaveURL(/key=/);
      await expect(page.getByTestId('portal-usage-events').locator('tbody tr td[data-col="model"]').first()).toHaveText('gpt-4.1-mini', { timeout: 2000 });
    }).toPass({ timeout: 30_000, intervals: [1000, 2000, 3000] });
    await expect(page.locator('figure[data-chart] .recharts-wrapper > svg.recharts-surface').first()).toBeVisible();
    await shot(page, info, 'portal-usage');
  });

  await test.step('downloads an invoice', async () => {
    await page.goto('/portal/invoices');
    const table = page.getByTestId('portal-invoices-table');
    const first = table.locator('tbody tr').first();
    await expect(first.locator('td[data-col="period"]')).toBeVisible();
    await shot(page, info, 'portal-invoices');
    const [download] = await Promise.all([page.waitForEvent('download'), first.getByRole('link', { name: /as PDF/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const pdfPath = info.outputPath(download.suggestedFilename());
    await download.saveAs(pdfPath);
    const fs = await import('node:fs');
    expect(fs.readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
    await first.locator('td[data-col="number"] a').click();
    await expect(page.getByRole('link', { name: 'Download CSV' })).toBeVisible();
    await shot(page, info, 'portal-invoice-detail');
  });

  await test.step('revokes the key (confirmed), and the gateway refuses it', async () => {
    await page.goto('/portal/keys');
    await page.getByRole('button', { name: 'Revoke e2e quick-start key' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    const row = page.getByTestId('keys-table').locator('tbody tr', { hasText: 'e2e quick-start key' });
    await expect(row.locator('td[data-col="status"]')).toHaveText('revoked');
    const client = new OpenAI({ baseURL: `${baseURL}/api/v1`, apiKey: key, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 401 });
    await shot(page, info, 'portal-keys');
  });
});
