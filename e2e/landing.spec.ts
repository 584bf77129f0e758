import { expect, test } from '@playwright/test';

test('landing page links to the admin console and the portal', async ({ page }, info) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('One gateway for every AI model');
  await expect(page.getByRole('link', { name: /Admin console/ })).toHaveAttribute('href', '/admin');
  await expect(page.getByRole('link', { name: /Customer portal/ })).toHaveAttribute('href', '/portal');
  await page.screenshot({ path: info.outputPath('landing.png'), fullPage: true });
});

test('health endpoint reports the version and a database that answers', async ({ page }) => {
  const res = await page.goto('/api/health');
  expect(res?.status()).toBe(200);
  const body = JSON.parse((await page.locator('body').innerText()).trim()) as {
    status: string;
    version: string;
    database: { ok: boolean; kind: string };
  };
  expect(body.status).toBe('ok');
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(body.database.ok).toBe(true);
  expect(['pglite', 'postgres']).toContain(body.database.kind);
});
