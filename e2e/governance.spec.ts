import { expect, test, type Browser, type Page } from '@playwright/test';

/**
 * The two-person rule, in the browser: admin A (admin@radiant.local) proposes a markup change;
 * A cannot approve it (the button is disabled and says why); admin B (approver@radiant.local)
 * approves it; the audit log lists both steps. Plus the sign-in gates by audience.
 */
const PASSWORD = 'e2e-password-1';
const MODEL_ID = 'openai-gpt-4-1-mini';

async function signIn(page: Page, area: 'admin' | 'portal', email: string, password = PASSWORD): Promise<void> {
  await page.goto(`/${area}/sign-in`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
}

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

test.describe('sign-in gates', () => {
  test('unauthenticated pages redirect to the sign-in page; APIs answer 401 problem JSON', async ({ page }) => {
    await page.goto('/admin/approvals');
    await expect(page).toHaveURL(/\/admin\/sign-in\?callbackUrl=%2Fadmin%2Fapprovals/);
    await page.goto('/portal');
    await expect(page).toHaveURL(/\/portal\/sign-in/);
    const res = await page.request.get('/api/admin/approvals');
    expect(res.status()).toBe(401);
    expect(res.headers()['content-type']).toContain('application/problem+json');
  });

  test('a wrong password shows a clear error; a tenant session cannot reach the console', async ({ page }, info) => {
    await page.goto('/admin/sign-in');
    await page.getByLabel('E-mail').fill('admin@radiant.local');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'The e-mail address or password is not correct.' })).toBeVisible();
    await page.screenshot({ path: info.outputPath('admin-sign-in-error.png'), fullPage: true });

    await signIn(page, 'portal', 'owner@acme.test');
    await page.goto('/admin/approvals');
    await expect(page).toHaveURL(/\/admin\/sign-in\?.*error=wrong_audience/);
    await expect(page.getByText('You are signed in to the customer portal')).toBeVisible();
    const api = await page.request.get('/api/admin/approvals');
    expect(api.status()).toBe(403);
  });
});

test('admin A proposes a markup change, cannot approve it; admin B approves; the audit log shows both', async ({ browser }, info) => {
  // --- A proposes -------------------------------------------------------------------------
  const a = await newPage(browser);
  await signIn(a, 'admin', 'admin@radiant.local');
  const proposed = await a.request.post('/api/admin/approvals', {
    data: {
      action: 'markup.set_model',
      payload: { modelId: MODEL_ID, markupPercent: '33', reason: 'e2e: competitive pricing for the mini model' },
      description: 'Match a competitor on gpt-4.1-mini',
      rollbackPlan: 'Propose markup.clear for the model',
    },
  });
  expect(proposed.status(), await proposed.text()).toBe(201);
  const request = (await proposed.json()) as { id: string; status: string; title: string };
  expect(request.status).toBe('pending');

  // --- A cannot approve it: the button is disabled and says why -----------------------------
  await a.goto('/admin/approvals');
  await expect(a.getByRole('link', { name: request.title })).toBeVisible();
  await a.getByRole('link', { name: request.title }).click();
  await expect(a).toHaveURL(new RegExp(`/admin/approvals/${request.id}$`));
  await expect(a.getByRole('heading', { level: 1 })).toHaveText(request.title);
  const approveA = a.getByTestId('decision-approve');
  await expect(approveA).toBeDisabled();
  await expect(a.getByTestId('decision-approve-reason')).toContainText('a different administrator must approve it');
  await expect(a.getByText('33', { exact: false }).first()).toBeVisible();
  await a.screenshot({ path: info.outputPath('approval-own-request-disabled.png'), fullPage: true });
  // And the API refuses too.
  const self = await a.request.post(`/api/admin/approvals/${request.id}/approve`, { data: {} });
  expect(self.status()).toBe(403);
  expect(((await self.json()) as { code: string }).code).toBe('self_approval');

  // --- B approves ---------------------------------------------------------------------------
  const b = await newPage(browser);
  await signIn(b, 'admin', 'approver@radiant.local');
  await b.goto(`/admin/approvals/${request.id}`);
  const approveB = b.getByTestId('decision-approve');
  await expect(approveB).toBeEnabled();
  await b.getByLabel('Notes').fill('Approved in e2e');
  await approveB.click();
  await expect(b.getByRole('status').filter({ hasText: 'Approved: the change has been applied.' })).toBeVisible();
  await expect(b.getByTestId('decision-closed')).toContainText('executed');
  await b.screenshot({ path: info.outputPath('approval-approved.png'), fullPage: true });

  const after = await b.request.get(`/api/admin/approvals/${request.id}`);
  const detail = (await after.json()) as { request: { status: string; approvedBy: { email: string } } };
  expect(detail.request.status).toBe('executed');
  expect(detail.request.approvedBy.email).toBe('approver@radiant.local');

  // --- the audit log lists both steps -------------------------------------------------------
  await b.goto(`/admin/audit?resourceType=approval_request&action=approval.*`);
  const table = b.getByRole('table', { name: 'Audit entries' });
  const proposedRow = table.getByRole('row').filter({ hasText: 'approval.proposed' }).filter({ hasText: request.id });
  const approvedRow = table.getByRole('row').filter({ hasText: 'approval.approved' }).filter({ hasText: request.id });
  await expect(proposedRow).toContainText('admin@radiant.local');
  await expect(approvedRow).toContainText('approver@radiant.local');
  await b.screenshot({ path: info.outputPath('audit-log.png'), fullPage: true });

  // The change itself is audited with old and new values, and exported as CSV.
  const csv = await b.request.get(`/api/admin/audit?format=csv&action=markup.set_model`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(await csv.text()).toContain(`model:${MODEL_ID}`);
});

test('an operator proposes through the form and cancels it', async ({ browser }, info) => {
  const page = await newPage(browser);
  await signIn(page, 'admin', 'operator@radiant.local');
  await page.goto('/admin/approvals/new');
  await page.getByLabel('Change').selectOption('markup.set_provider');
  await expect(page.getByLabel('Payload (JSON)')).toHaveValue(/"providerId": "deepseek"/);
  await page.getByLabel('Why').fill('e2e: form proposal');
  await page.getByRole('button', { name: 'Propose' }).click();
  const done = page.getByRole('status').filter({ hasText: 'Proposed' });
  await expect(done).toBeVisible();
  await page.screenshot({ path: info.outputPath('propose-form.png'), fullPage: true });
  await done.getByRole('link').click();
  await expect(page.getByTestId('decision-approve')).toBeDisabled();
  await page.getByTestId('decision-cancel').click();
  await expect(page.getByTestId('decision-closed')).toContainText('cancelled');
});

test('invite an administrator, accept the invitation, enrol MFA, then sign in with a code', async ({ browser }, info) => {
  const { generate } = await import('otplib');
  const email = `new-admin-${Date.now()}@radiant.local`;
  const newPassword = 'a-brand-new-password-1';

  const admin = await newPage(browser);
  await signIn(admin, 'admin', 'approver@radiant.local');
  await admin.goto('/admin/admins');
  await expect(admin.getByRole('table', { name: 'Administrators' })).toContainText('admin@radiant.local');
  await admin.getByLabel('E-mail').fill(email);
  await admin.getByLabel('Role', { exact: true }).selectOption('operator');
  await admin.getByRole('button', { name: 'Send invitation' }).click();
  // An invitation is a proposal: no link for the proposer (issue 17, the sock-puppet rule).
  await expect(admin.getByText(`Invitation of ${email} as operator proposed`)).toBeVisible();
  await expect(admin.getByTestId('invite-link')).toHaveCount(0);
  await admin.screenshot({ path: info.outputPath('admins.png'), fullPage: true });
  await admin.getByTestId('invite-approval-link').click();
  await expect(admin.getByTestId('decision-approve')).toBeDisabled();
  const requestUrl = new URL(admin.url()).pathname;

  // A super_admin approves; without SMTP the approver is shown the link once, to hand over.
  const superAdmin = await newPage(browser);
  await signIn(superAdmin, 'admin', 'admin@radiant.local');
  await superAdmin.goto(requestUrl);
  await superAdmin.getByTestId('decision-approve').click();
  const link = (await superAdmin.getByTestId('invite-link').innerText()).trim();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await superAdmin.goto('/admin/admins');
  await expect(superAdmin.getByRole('table', { name: 'Invitations' })).toContainText(email);

  const invitee = await newPage(browser);
  await invitee.goto(new URL(link).pathname);
  await expect(invitee.getByText(`invited ${email}`, { exact: false })).toBeVisible();
  await invitee.getByLabel('Your name').fill('Nina New');
  await invitee.getByLabel('Password', { exact: true }).fill(newPassword);
  await invitee.getByLabel('Repeat the password').fill(newPassword);
  await invitee.getByRole('button', { name: 'Create my account' }).click();
  await expect(invitee.getByText('Your administrator account is ready.')).toBeVisible();
  // The link is single use.
  await invitee.goto(new URL(link).pathname);
  await expect(invitee.getByRole('alert').filter({ hasText: 'already been used' })).toBeVisible();

  await signIn(invitee, 'admin', email, newPassword);
  await invitee.goto('/admin/admins/me');
  await invitee.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(invitee.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await invitee.getByTestId('mfa-secret').innerText()).trim();
  await invitee.getByLabel('Code from the app').fill(await generate({ secret }));
  await invitee.getByRole('button', { name: 'Turn on MFA' }).click();
  await expect(invitee.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await invitee.screenshot({ path: info.outputPath('mfa-enrolled.png'), fullPage: true });

  // A new sign-in now asks for the code after the password.
  const again = await newPage(browser);
  await again.goto('/admin/sign-in');
  await again.getByLabel('E-mail').fill(email);
  await again.getByLabel('Password').fill(newPassword);
  await again.getByRole('button', { name: 'Sign in' }).click();
  await expect(again.getByLabel('Authentication code')).toBeVisible();
  await again.getByLabel('Authentication code').fill(await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
  await again.getByRole('button', { name: 'Verify and sign in' }).click();
  await again.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
  const me = await again.request.get('/api/admin/admins/me/mfa');
  expect(((await me.json()) as { enabled: boolean; sessionVerified: boolean }).sessionVerified).toBe(true);
});
