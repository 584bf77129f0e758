/** Shared steps for the admin/portal e2e specs (not a spec itself). */
import { expect, type Page, type TestInfo } from '@playwright/test';

export const PASSWORD = process.env.RADIANT_DEMO_PASSWORD ?? 'e2e-password-1';
export const ADMIN = 'admin@radiant.local';
export const APPROVER = 'approver@radiant.local';
export const AUDITOR = 'auditor@radiant.local';
export const TENANT_OWNER = 'owner@acme.test';

async function signIn(page: Page, area: 'admin' | 'portal', email: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`/${area}/sign-in`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => u.pathname.startsWith(`/${area}`) && !u.pathname.includes('sign-in'), { timeout: 30_000 });
  await expect(page.getByTestId('current-user')).toBeVisible();
}

export const signInAdmin = (page: Page, email = ADMIN) => signIn(page, 'admin', email);
export const signInTenant = (page: Page, email = TENANT_OWNER) => signIn(page, 'portal', email);

export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

/** Waits for recharts to draw at least one chart (SVG surface) after hydration. */
export async function expectChart(page: Page): Promise<void> {
  await expect(page.locator('figure[data-chart] .recharts-wrapper > svg.recharts-surface').first()).toBeVisible({ timeout: 15_000 });
}
