/**
 * Self-service sign-up (issue 14, RADIANT_SIGNUP=open in playwright.config.ts's webServer env,
 * with RADIANT_DEMO_SHOW_RESET_LINK=1 so the verification link is shown on screen without a mail
 * server): a company signs up from the portal sign-in page, cannot sign in before verifying,
 * verifies with the link, then signs in to its own portal. The "off by default -> 404" and the
 * token rules are covered by tests/tenants/signup.test.ts.
 */
import { expect, test, type Page } from '@playwright/test';
import { shot } from './admin-support';

const PASSWORD = 'signup-owner-password-1';

async function signIn(page: Page, email: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto('/portal/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

test('a new company signs up, verifies its e-mail and signs in to its portal', async ({ page }, info) => {
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36);
  const email = `founder-${stamp}@signup.test`;
  const company = `Signup ${stamp} Labs`;

  await page.goto('/portal/sign-in');
  await page.getByRole('link', { name: 'New here? Create an account' }).click();
  await page.waitForURL('**/signup');
  await page.getByLabel('Company name').fill(company);
  await page.getByLabel('Your name').fill('Fay Founder');
  await page.getByLabel('Work e-mail').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat the password').fill(PASSWORD);
  await shot(page, info, 'signup-form');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'We have sent a link to that address' })).toBeVisible();
  const link = (await page.getByTestId('verify-link').innerText()).trim();
  expect(link).toMatch(/\/verify-email\/[A-Za-z0-9_-]{40,}$/);
  await shot(page, info, 'signup-sent');

  // Not verified yet: the right password is refused with a message saying what to do.
  await signIn(page, email);
  await expect(page.getByRole('alert').filter({ hasText: 'Verify your e-mail address first' })).toBeVisible();
  await expect(page).toHaveURL(/\/portal\/sign-in/);

  // The link shows a button (opening it changes nothing); the button verifies.
  await page.goto(new URL(link).pathname);
  await expect(page.getByText(email)).toBeVisible();
  await page.getByRole('button', { name: 'Verify my e-mail address' }).click();
  await expect(page.getByText('Your e-mail address is verified and your account is ready.')).toBeVisible();
  await shot(page, info, 'signup-verified');

  // Single use.
  await page.goto(new URL(link).pathname);
  await expect(page.getByRole('alert').filter({ hasText: 'already been used' })).toBeVisible();

  await signIn(page, email);
  await page.waitForURL((u) => u.pathname.startsWith('/portal') && !u.pathname.includes('sign-in'), { timeout: 30_000 });
  await expect(page.getByTestId('current-user')).toBeVisible();
  await expect(page.getByText(company).first()).toBeVisible();
  await shot(page, info, 'signup-portal');
});
