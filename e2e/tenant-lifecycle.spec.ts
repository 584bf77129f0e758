/**
 * Issue 14's "done means", in the browser: a super_admin creates a tenant with an owner; the owner
 * accepts, invites a member and creates a key; the key calls the gateway; the tenant's request
 * log shows the call; an admin proposes suspension, a second admin approves, and the key gets
 * 403 at once.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import OpenAI from 'openai';
import { ADMIN, APPROVER, shot, signInAdmin } from './admin-support';

const NEW_PASSWORD = 'lifecycle-owner-password-1';

async function freshPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

async function acceptInvitation(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Repeat the password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page.getByText('Your account is ready.')).toBeVisible();
}

async function signInPortal(page: Page, email: string): Promise<void> {
  await page.goto('/portal/sign-in');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/portal') && !u.pathname.includes('sign-in'));
  await expect(page.getByTestId('current-user')).toBeVisible();
}

test('a tenant from creation to suspension: owner, member, key, gateway call, request log, two-person suspension', async ({ browser, baseURL }, info) => {
  test.setTimeout(180_000);
  const stamp = Date.now().toString(36);
  const slug = `lifecycle-${stamp}`;
  const ownerEmail = `owner-${stamp}@lifecycle.test`;
  const memberEmail = `member-${stamp}@lifecycle.test`;

  // --- a super_admin creates the tenant and its owner's invitation ----------------------------
  const admin = await freshPage(browser);
  await signInAdmin(admin, ADMIN);
  await admin.goto('/admin/tenants');
  await admin.getByRole('button', { name: 'New tenant…' }).click();
  const create = admin.getByRole('dialog');
  await create.getByLabel('Name').fill(`Lifecycle ${stamp}`);
  await create.getByLabel('Slug').fill(slug);
  await create.getByLabel('Billing e-mail').fill(`billing-${stamp}@lifecycle.test`);
  await create.getByLabel('Owner’s e-mail').fill(ownerEmail);
  await create.getByLabel('Tier').selectOption('2');
  await create.getByLabel('Tax rate (%)').fill('20');
  await create.getByLabel('Monthly budget').fill('500');
  await create.getByRole('button', { name: 'Create tenant and invite owner' }).click();
  const ownerLink = (await create.getByTestId('invite-link').innerText()).trim();
  expect(ownerLink).toContain('/join/');
  await shot(admin, info, 'tenant-created');
  await create.getByRole('link', { name: `Open Lifecycle ${stamp}` }).click();
  await admin.waitForURL(/\/admin\/tenants\/[0-9a-f-]{36}$/);
  const tenantUrl = admin.url();

  // Request logging on (a direct, audited change).
  await admin.getByRole('button', { name: 'Edit…' }).click();
  const edit = admin.getByRole('dialog');
  await edit.getByLabel('Request logging (prompts and answers)').check();
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(admin.getByText(/on · kept 30 days/)).toBeVisible();

  // --- the owner accepts, invites a member, creates a key --------------------------------------
  const owner = await freshPage(browser);
  await acceptInvitation(owner, ownerLink, 'Olivia Owner');
  await signInPortal(owner, ownerEmail);
  await owner.goto('/portal/people');
  await owner.getByRole('button', { name: 'Invite person…' }).click();
  const invite = owner.getByRole('dialog');
  await invite.getByLabel('E-mail').fill(memberEmail);
  await invite.getByLabel('Role').selectOption('member');
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  const memberLink = (await invite.getByTestId('invite-link').innerText()).trim();
  await shot(owner, info, 'portal-people-invited');
  await invite.getByRole('button', { name: 'Close' }).click();

  const member = await freshPage(browser);
  await acceptInvitation(member, memberLink, 'Max Member');
  await signInPortal(member, memberEmail);
  await owner.reload();
  await expect(owner.getByTestId('people-table')).toContainText(memberEmail);

  await owner.goto('/portal/keys');
  await owner.getByRole('button', { name: 'Create API key' }).click();
  const keyDialog = owner.getByRole('dialog');
  await keyDialog.getByLabel('Name').fill('lifecycle key');
  await keyDialog.getByRole('button', { name: 'Create key' }).click();
  const key = (await keyDialog.getByTestId('new-api-key').innerText()).trim();
  await keyDialog.getByRole('button', { name: 'Done' }).click();

  // --- the key calls the gateway; the request log shows the call --------------------------------
  const client = new OpenAI({ baseURL: `${baseURL}/api/v1`, apiKey: key, maxRetries: 0 });
  const prompt = `lifecycle ping ${stamp}`;
  const { data, response } = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: prompt }] }).withResponse();
  expect(data.choices[0]?.message.content).toContain(prompt);
  const requestId = response.headers.get('x-request-id') ?? '';

  await expect(async () => {
    await owner.goto(`/portal/requests?q=${encodeURIComponent(stamp)}`);
    // The log is written by the metering writer shortly after the answer: reload until it is
    // there (the empty list's "No logged requests" row is a row too, so count alone is not enough).
    await expect(owner.getByTestId('request-log-table').locator('tbody tr').first()).toContainText(prompt, { timeout: 1500 });
    await expect(owner.getByTestId('request-log-table').locator('tbody tr')).toHaveCount(1);
  }).toPass({ timeout: 30_000, intervals: [1000, 2000] });
  const row = owner.getByTestId('request-log-table').locator('tbody tr').first();
  await expect(row).toContainText(prompt);
  await expect(row).toContainText('success');
  await shot(owner, info, 'portal-request-log');
  await row.getByRole('link').first().click();
  await expect(owner.getByText(requestId).first()).toBeVisible();
  await expect(owner.getByLabel('Request body')).toContainText(prompt);

  // --- an admin proposes suspension, a second admin approves; the key stops at once -------------
  await admin.goto(tenantUrl);
  await admin.getByRole('button', { name: 'Suspend…' }).click();
  const suspend = admin.getByRole('dialog');
  await suspend.getByLabel('Reason').fill('e2e: unpaid invoices');
  await suspend.getByRole('button', { name: 'Submit for approval' }).click();
  const approvalLink = suspend.getByRole('status').getByRole('link');
  const approvalHref = (await approvalLink.getAttribute('href')) ?? '';
  expect(approvalHref).toMatch(/\/admin\/approvals\/[0-9a-f-]{36}$/);

  // Still working while the request waits for approval.
  const stillOk = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'before approval' }] });
  expect(stillOk.choices[0]?.message.content).toContain('before approval');

  const approver = await freshPage(browser);
  await signInAdmin(approver, APPROVER);
  await approver.goto(approvalHref);
  await approver.getByLabel('Notes').fill('Approved in e2e');
  await approver.getByTestId('decision-approve').click();
  await expect(approver.getByTestId('decision-closed')).toContainText('executed');

  const refused = await fetch(`${baseURL}/api/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'after suspension' }] }),
  });
  expect(refused.status).toBe(403);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('account_suspended');

  await admin.goto(tenantUrl);
  await expect(admin.getByText('suspended').first()).toBeVisible();
  await shot(admin, info, 'tenant-suspended');
});
