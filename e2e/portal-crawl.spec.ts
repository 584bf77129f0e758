/**
 * (d) Who sees what: crawl every portal page (and the portal JSON the pages use) as a tenant and
 * check the HTML never carries cost, markup or margin: neither the words nor our cost figures.
 * The cost figures are read from the admin console first (per model, per 1M tokens), then each
 * model's row on the portal prices page must not show its cost.
 */
import { expect, test, type Page } from '@playwright/test';
import { shot, signInAdmin, signInTenant } from './admin-support';

const FORBIDDEN_WORDS = /\b(cost|costs|costed|markup|markups|margin|margins)\b/i;

async function adminCosts(page: Page): Promise<Map<string, { costIn: string; priceIn: string }>> {
  await signInAdmin(page);
  await page.goto('/admin/models');
  await page
    .getByLabel('Rows per page')
    .selectOption('100')
    .catch(() => {});
  const rows = page.getByTestId('models-table').locator('tbody tr');
  const out = new Map<string, { costIn: string; priceIn: string }>();
  const n = await rows.count();
  for (let i = 0; i < n; i++) {
    const r = rows.nth(i);
    const name = (await r.locator('td[data-col="displayName"] p.font-mono').innerText()).trim();
    const costIn =
      (await r
        .locator('td[data-col="costIn"] [data-value]')
        .getAttribute('data-value')
        .catch(() => null)) ?? '';
    const priceIn =
      (await r
        .locator('td[data-col="priceIn"] [data-value]')
        .getAttribute('data-value')
        .catch(() => null)) ?? '';
    if (costIn) out.set(name, { costIn, priceIn });
  }
  return out;
}

/**
 * Next.js's own error/not-found boundaries (serialized into every page's payload) carry inline
 * styles with the CSS property `margin`. Exactly those framework snippets are allowed (plain and
 * JSON-escaped); anything else that says cost, markup or margin fails the test.
 */
const FRAMEWORK_SNIPPETS = ['body{color:#000;background:#fff;margin:0}', '"margin":"0 20px 0 0"', '"lineHeight":"49px","margin":0'];
const ALLOWED = FRAMEWORK_SNIPPETS.flatMap((s) => [s, s.replace(/"/g, '\\"')]);

function checkText(where: string, raw: string): void {
  const text = ALLOWED.reduce((t, snippet) => t.split(snippet).join(''), raw);
  const m = FORBIDDEN_WORDS.exec(text);
  expect(m, `${where} contains "${m?.[0]}" near: ${m ? text.slice(Math.max(0, m.index - 80), m.index + 80) : ''}`).toBeNull();
}

test('no cost, markup or margin anywhere under /portal', async ({ page }, info) => {
  test.setTimeout(120_000);
  const costs = await adminCosts(page);
  expect(costs.size).toBeGreaterThan(10);

  await signInTenant(page);
  const visited = new Set<string>();
  const queue = ['/portal', '/portal/prices', '/portal/usage', '/portal/usage?status=error', '/portal/invoices', '/portal/keys'];
  while (queue.length) {
    const path = queue.shift()!;
    if (visited.has(path)) continue;
    visited.add(path);
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    await page.waitForLoadState('networkidle');
    const served = (await res?.text()) ?? '';
    checkText(`${path} (served HTML)`, served);
    // After hydration: the visible text and every attribute except inline CSS (charts draw with style="margin: 0px").
    const dom = await page.evaluate(() => {
      const parts = [document.title, document.body.innerText];
      for (const el of Array.from(document.querySelectorAll('*'))) {
        if (el.tagName === 'SCRIPT' || el.tagName === 'STYLE') continue;
        for (const a of Array.from(el.attributes)) if (a.name !== 'style') parts.push(`${a.name}=${a.value}`);
      }
      return parts.join('\n');
    });
    checkText(`${path} (rendered DOM)`, dom);
    // follow in-portal links (invoice details, nav)
    for (const href of await page.locator('a[href^="/portal"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))) {
      const clean = href.split('#')[0]!;
      if (clean && !clean.includes('sign-in') && !visited.has(clean) && visited.size + queue.length < 40) queue.push(clean);
    }
  }
  expect(visited.size).toBeGreaterThanOrEqual(6);

  for (const api of ['/api/portal/usage', '/api/portal/invoices', '/api/portal/keys', '/api/v1/models']) {
    const r = await page.request.get(api);
    if (r.status() === 200) checkText(api, await r.text());
  }

  await test.step('each model on the prices page shows its price, never its cost', async () => {
    await page.goto('/portal/prices');
    await page
      .getByLabel('Rows per page')
      .selectOption('100')
      .catch(() => {});
    const rows = page.getByTestId('prices-table').locator('tbody tr');
    const n = await rows.count();
    expect(n).toBeGreaterThan(10);
    let compared = 0;
    for (let i = 0; i < n; i++) {
      const r = rows.nth(i);
      const name = (await r.locator('td[data-col="displayName"] p.font-mono').innerText()).trim();
      const admin = costs.get(name);
      if (!admin || admin.costIn === admin.priceIn || Number(admin.costIn) === 0) continue;
      const values = await r.locator('[data-value]').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
      expect(values, `${name}: the portal must not show our cost ${admin.costIn}`).not.toContain(admin.costIn);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
    await shot(page, info, 'portal-prices');
  });
});
