// Real-browser smoke test: log in, search a member, open the detail, see the masked ID —
// on a desktop and on a phone viewport. Usage: node smoke.mjs http://127.0.0.1:PORT OUTDIR
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const base = process.argv[2];
const out = process.argv[3] || 'screens';
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

function check(cond, what) {
  if (!cond) throw new Error(`browser check failed: ${what}`);
  console.log(`ok - ${what}`);
}

let failures = 0;
for (const [name, viewport] of [['desktop', { width: 1280, height: 860 }], ['phone', { width: 375, height: 740 }]]) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  try {
    await page.goto(`${base}/members`);
    check(page.url().includes('/login'), `${name}: a signed-out visitor is sent to the login page`);
    await page.fill('input[name=username]', 'jianyang');
    await page.fill('input[name=password]', 'gonghui-demo');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/members/);
    check(await page.locator('h1').first().innerText() === '会员', `${name}: lands on the member list after login`);
    await page.fill('input[name=q]', '王');
    await page.click('form.filters button');
    await page.waitForLoadState('load');
    const first = page.locator('table.list tbody tr a').first();
    const memberName = await first.innerText();
    check(memberName.startsWith('王'), `${name}: search by surname finds ${memberName}`);
    await page.screenshot({ path: `${out}/${name}-list.png`, fullPage: true });
    await first.click();
    await page.waitForURL(/\/members\/\d+$/);
    const id = (await page.locator('#idno').innerText()).trim();
    check(/^\d{6}\*{8}[\dX]{4}$/.test(id), `${name}: detail shows the masked ID ${id}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= viewport.width + 1, `${name}: no horizontal scrolling (${width}px)`);
    await page.screenshot({ path: `${out}/${name}-detail.png`, fullPage: true });
    // The transfer form takes a union by name: type part of it, choose, and the form holds its code.
    if (await page.locator('#to[data-pick]').count()) {
      await page.locator('#to').pressSequentially('公司', { delay: 30 });
      const option = page.locator('#to-list li[role=option]').first();
      await option.waitFor({ timeout: 5000 });
      const label = await option.locator('b').innerText();
      await option.dispatchEvent('mousedown');
      const code = await page.locator('input[type=hidden][name=to_union]').inputValue();
      check(await page.locator('#to').inputValue() === label && /^\d{9}-\d{4}$/.test(code),
        `${name}: the union picker puts ${label}'s code (${code}) in the form`);
    }
    // The closed loop and member care, as the town's cadre sees them.
    for (const [path, heading, shot] of [
      ['/work', '待办', 'inbox'],
      ['/care', '五必关爱', 'care'],
      ['/care/figures', '关爱情况', 'care-figures'],
      ['/hardship', '困难职工档案', 'hardship'],
      ['/care/campaigns', '四季送', 'campaigns'],
    ]) {
      const r = await page.goto(`${base}${path}`);
      check(r.status() === 200, `${name}: ${path} answers 200`);
      const h1 = await page.locator('h1').first().innerText();
      check(h1.includes(heading), `${name}: ${path} shows ${heading}`);
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      check(w <= viewport.width + 1, `${name}: ${path} has no horizontal scrolling (${w}px)`);
      await page.screenshot({ path: `${out}/${name}-${shot}.png`, fullPage: true });
    }
  } catch (e) {
    failures += 1;
    console.log(`not ok - ${name}: ${e.message}`);
    await page.screenshot({ path: `${out}/${name}-failure.png`, fullPage: true }).catch(() => {});
  }
  await context.close();
}
await browser.close();
console.log(`browser: ${failures === 0 ? 2 : 2 - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
