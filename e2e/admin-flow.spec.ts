/**
 * (a) The two-person markup change, end to end in the browser:
 * admin signs in -> dashboard charts render -> filters the models -> proposes a markup change
 * with a preview of the new prices and margins -> cannot approve their own request -> a second
 * admin approves it -> the tenant portal shows the new price.
 */
import { expect, test } from '@playwright/test';
import { APPROVER, expectChart, shot, signInAdmin, signInTenant } from './admin-support';

const MODEL = 'gpt-4.1-mini';
const NEW_MARKUP = '55';

test('markup change: propose with preview, self-approval refused, second admin approves, portal shows the new price', async ({ page }, info) => {
  test.setTimeout(150_000);
  let approvalUrl = '';
  let newPrice = '';
  let oldPrice = '';

  await test.step('admin signs in and reads the dashboard with charts', async () => {
    await signInAdmin(page);
    await page.goto('/admin');
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expectChart(page);
    await expect(page.locator('figure[data-chart="Revenue, cost and margin"] .recharts-wrapper > svg.recharts-surface')).toBeVisible();
    // day / week / month toggle redraws the chart
    await page.getByRole('radio', { name: 'Week' }).click();
    await expect(page.getByRole('radio', { name: 'Week' })).toHaveAttribute('aria-checked', 'true');
    await expect(page.locator('figure[data-chart="Revenue, cost and margin"] .recharts-wrapper > svg.recharts-surface')).toBeVisible();
    await page.getByRole('radio', { name: 'Day' }).click();
    await shot(page, info, 'admin-dashboard');
  });

  await test.step('filters the models', async () => {
    await page.goto('/admin/models');
    const table = page.getByTestId('models-table');
    await expect(table).toBeVisible();
    const allRows = await table.locator('tbody tr').count();
    await page.getByLabel('Provider', { exact: true }).selectOption('openai');
    await page.getByLabel('Category', { exact: true }).selectOption('text_generation');
    await page.getByRole('searchbox', { name: /Search Models and pricing/ }).fill(MODEL);
    const row = table.locator('tbody tr', {
      has: page.locator('td[data-col="displayName"] p.font-mono', { hasText: new RegExp(`^${MODEL.replace(/\./g, '\\.')}$`) }),
    });
    await expect(row).toHaveCount(1);
    await expect(row.locator('td[data-col="providerId"]')).toHaveText('openai');
    expect(await table.locator('tbody tr').count()).toBeLessThan(allRows);
    await expect(row.locator('td[data-col="markupPercent"]')).toContainText('40%');
    oldPrice = (await row.locator('td[data-col="priceIn"] [data-value]').getAttribute('data-value')) ?? '';
    expect(oldPrice).not.toBe('');
    await shot(page, info, 'admin-models-filtered');

    await test.step('proposes a markup change with a preview first', async () => {
      await row.getByRole('button', { name: `Propose markup change for ${await row.locator('td[data-col="displayName"] p').first().innerText()}` }).click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toBeVisible();
      // validation: an empty percent is refused with a field error
      await dialog.getByRole('button', { name: 'Preview new prices' }).click();
      await expect(dialog.getByText('Enter a percent')).toBeVisible();
      await dialog.getByLabel('New markup %').fill(NEW_MARKUP);
      await dialog.getByRole('button', { name: 'Preview new prices' }).click();
      const preview = dialog.getByTestId('markup-preview');
      await expect(preview).toBeVisible();
      const prow = preview.locator('tbody tr').first();
      await expect(prow.locator('td[data-col="newMarkup"]')).toHaveText(`${NEW_MARKUP}%`);
      newPrice = (await prow.locator('td[data-col="priceNew"] [data-value]').getAttribute('data-value')) ?? '';
      expect(newPrice).not.toBe('');
      expect(Number(newPrice)).toBeGreaterThan(Number(oldPrice));
      await expect(prow.locator('td[data-col="marginNew"]')).toContainText('%');
      await dialog.getByLabel('Reason').fill('e2e: align mini models with the premium tier');
      await shot(page, info, 'admin-markup-preview');
      await dialog.getByRole('button', { name: 'Submit for approval' }).click();
      const outcome = dialog.getByTestId('proposal-outcome');
      await expect(outcome).toContainText('Submitted 1 approval request');
      const link = outcome.getByRole('link').first();
      approvalUrl = (await link.getAttribute('href')) ?? '';
      expect(approvalUrl).toMatch(/^\/admin\/approvals\/[0-9a-f-]{36}$/);
    });
  });

  await test.step('the first admin cannot approve their own request', async () => {
    await page.goto(approvalUrl);
    await expect(page.getByTestId('decision-approve')).toBeDisabled();
    await expect(page.getByTestId('decision-approve-reason')).toBeVisible();
    await shot(page, info, 'admin-approval-own-request');
    // Sign out through the console's top bar.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/admin\/sign-in/);
  });

  await test.step('a second admin approves it', async () => {
    await signInAdmin(page, APPROVER);
    await page.goto(approvalUrl);
    const approve = page.getByTestId('decision-approve');
    await expect(approve).toBeEnabled();
    await approve.click();
    await expect(page.getByTestId('decision-closed')).toContainText(/executed/i, { timeout: 20_000 });
    await shot(page, info, 'admin-approval-approved');
    await page.goto('/admin/models');
    await page.getByRole('searchbox', { name: /Search Models and pricing/ }).fill(MODEL);
    const row = page
      .getByTestId('models-table')
      .locator('tbody tr', { has: page.locator('p.font-mono', { hasText: new RegExp(`^${MODEL.replace(/\./g, '\\.')}$`) }) });
    await expect(row.locator('td[data-col="markupPercent"]')).toContainText(`${NEW_MARKUP}%`);
    await expect(row.locator('td[data-col="markupPercent"]')).toContainText('model');
  });

  await test.step('the portal shows the new price', async () => {
    await signInTenant(page);
    await page.goto('/portal/prices');
    await page.getByRole('searchbox', { name: /Search Model prices/ }).fill(MODEL);
    const row = page
      .getByTestId('prices-table')
      .locator('tbody tr', { has: page.locator('p.font-mono', { hasText: new RegExp(`^${MODEL.replace(/\./g, '\\.')}$`) }) });
    await expect(row).toHaveCount(1);
    await expect(row.locator('td[data-col="priceIn"] [data-value]')).toHaveAttribute('data-value', newPrice);
    await shot(page, info, 'portal-prices-new-price');
  });
});
