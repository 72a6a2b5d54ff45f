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
      ['/legal/aid', '法律援助', 'legal-aid'],
      ['/legal/rates', '五率', 'legal-rates'],
      ['/legal/disputes', '劳动争议', 'legal-disputes'],
      ['/legal/contracts', '集体合同', 'legal-contracts'],
      ['/legal/publicity', '普法宣传', 'legal-publicity'],
      ['/legal/supervision', '劳动法律监督', 'legal-supervision'],
    ]) {
      const r = await page.goto(`${base}${path}`);
      check(r.status() === 200, `${name}: ${path} answers 200`);
      const h1 = await page.locator('h1').first().innerText();
      check(h1.includes(heading), `${name}: ${path} shows ${heading}`);
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      check(w <= viewport.width + 1, `${name}: ${path} has no horizontal scrolling (${w}px)`);
      await page.screenshot({ path: `${out}/${name}-${shot}.png`, fullPage: true });
    }
    // A legal-aid case as the town sees it: the application, its deadline and every step.
    await page.goto(`${base}/legal/aid`);
    await page.locator('table.list tbody tr a').first().click();
    await page.waitForURL(/\/legal\/aid\/\d+$/);
    check((await page.locator('h1').first().innerText()).startsWith('法律援助'), `${name}: a legal-aid case page opens`);
    check(await page.locator('text=审查期限').count() > 0, `${name}: the case shows its decision deadline`);
    const cw = await page.evaluate(() => document.documentElement.scrollWidth);
    check(cw <= viewport.width + 1, `${name}: the case page has no horizontal scrolling (${cw}px)`);
    await page.screenshot({ path: `${out}/${name}-legal-aid-case.png`, fullPage: true });
    // A supervision case and one of its letters, printable.
    await page.goto(`${base}/legal/supervision`);
    await page.locator('table.list tbody tr a').first().click();
    await page.waitForURL(/\/legal\/supervision\/\d+$/);
    check((await page.locator('h1').first().innerText()).startsWith('劳动法律监督'), `${name}: a supervision case page opens`);
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    check(sw <= viewport.width + 1, `${name}: the supervision case has no horizontal scrolling (${sw}px)`);
    await page.screenshot({ path: `${out}/${name}-legal-supervision-case.png`, fullPage: true });

    // A member applies for legal aid on their own page: a missing field is said in Chinese and
    // what was typed stays; then the application goes through and shows its deadline.
    const mctx = await browser.newContext({ viewport, locale: 'zh-CN' });
    const m = await mctx.newPage();
    await m.goto(`${base}/login`);
    await m.fill('input[name=username]', 'member');
    await m.fill('input[name=password]', 'gonghui-demo');
    await m.click('button[type=submit]');
    await m.waitForLoadState('load');
    await m.click('a.tile[href="/me/legal-aid"]');
    await m.click('a[href="/me/legal-aid/new"]');
    await m.selectOption('select[name=matter]', 'wages');
    await m.fill('input[name=employer]', '建湖县恒达机械有限公司');
    await m.fill('textarea[name=facts]', '   ');
    await m.click('form.card button');
    await m.waitForLoadState('load');
    check((await m.locator('.field.bad .err').first().innerText()).includes('请填写'), `${name}: an empty account of the case is refused in Chinese`);
    check(await m.inputValue('input[name=employer]') === '建湖县恒达机械有限公司', `${name}: the rest of the form is kept`);
    await m.fill('textarea[name=facts]', '十月工资未发。');
    await m.click('form.card button');
    await m.waitForURL(/\/me\/legal-aid\/\d+/);
    check(await m.locator('text=决定期限').count() > 0, `${name}: the member sees when the decision is due`);
    const mw = await m.evaluate(() => document.documentElement.scrollWidth);
    check(mw <= viewport.width + 1, `${name}: the member's case has no horizontal scrolling (${mw}px)`);
    await m.screenshot({ path: `${out}/${name}-member-legal-aid.png`, fullPage: true });

    // The member takes a legal-knowledge quiz: a question left out is said; answered, marked.
    await m.goto(`${base}/`);
    await m.click('a.tile[href="/me/quiz"]');
    await m.click('a.tile[href="/me/quiz/take"]');
    const radios = m.locator('fieldset');
    const n = await radios.count();
    check(n >= 3, `${name}: a quiz has its questions (${n})`);
    for (let i = 0; i < n; i++) await radios.nth(i).locator('input[type=radio]').first().check();
    await m.click('form[action="/me/quiz/take"] button');
    await m.waitForLoadState('load');
    check((await m.locator('h1').first().innerText()).includes('分'), `${name}: the quiz is marked with a score`);
    const qw = await m.evaluate(() => document.documentElement.scrollWidth);
    check(qw <= viewport.width + 1, `${name}: the quiz result has no horizontal scrolling (${qw}px)`);
    await m.screenshot({ path: `${out}/${name}-member-quiz.png`, fullPage: true });

    // 五直: the member asks a policy question on the phone, seeing the FAQ entries that match as
    // they type; the department answers it and publishes it; the member finds it in the FAQ by
    // a part of its words.
    await m.goto(`${base}/`);
    await m.click('a.tile[href="/me/questions"]');
    await m.click('a[href="/me/questions/new"]');
    await m.locator('input[name=title]').pressSequentially('加班费', { delay: 30 });
    await m.locator('#faq-suggest li').first().waitFor({ timeout: 5000 });
    check(await m.locator('#faq-suggest li').count() > 0, `${name}: the FAQ entries matching what is typed show before asking`);
    const mark = name === 'desktop' ? '烘焙车间' : '冷库车间';
    await m.selectOption('select[name=category]', 'wages');
    await m.fill('input[name=title]', `${mark}夜班补贴能不能算进最低工资`);
    await m.fill('textarea[name=body]', '单位说夜班补贴已经包含在最低工资里了。');
    await m.click('form.card button');
    await m.waitForURL(/\/direct\/questions\/\d+/);
    const asked = m.url().split('?')[0];
    check(await m.locator('text=已提交').count() > 0, `${name}: the question is sent, with when it will be answered`);
    const aw = await m.evaluate(() => document.documentElement.scrollWidth);
    check(aw <= viewport.width + 1, `${name}: the question page has no horizontal scrolling (${aw}px)`);
    await m.screenshot({ path: `${out}/${name}-member-question.png`, fullPage: true });
    const dctx = await browser.newContext({ viewport, locale: 'zh-CN' });
    const d = await dctx.newPage();
    await d.goto(`${base}/login`);
    await d.fill('input[name=username]', 'dept-rights');
    await d.fill('input[name=password]', 'gonghui-demo');
    await d.click('button[type=submit]');
    await d.waitForLoadState('load');
    await d.goto(asked);
    await d.fill('textarea[name=answer]', '夜班津贴不计入最低工资。单位支付的工资扣除夜班津贴后，仍不得低于当地最低工资标准。');
    await d.check('input[name=publish]');
    await d.fill('input[name=faq_question]', `${mark}夜班补贴能不能算进最低工资？`);
    await d.click('form[action$="/answer"] button');
    await d.waitForLoadState('load');
    check(await d.locator('text=已收入常见问答').count() > 0, `${name}: the department answers and publishes to the FAQ`);
    await d.screenshot({ path: `${out}/${name}-department-answer.png`, fullPage: true });
    await dctx.close();
    await m.goto(`${base}/faq`);
    await m.fill('input[name=q]', mark.slice(1) + '夜班');
    await m.click('form.filters button');
    await m.waitForLoadState('load');
    check((await m.locator('.card.faq').first().innerText()).includes(`${mark}夜班补贴`), `${name}: the member finds the answer in the FAQ by an inner part`);
    const fw = await m.evaluate(() => document.documentElement.scrollWidth);
    check(fw <= viewport.width + 1, `${name}: the FAQ has no horizontal scrolling (${fw}px)`);
    await m.screenshot({ path: `${out}/${name}-member-faq.png`, fullPage: true });

    // 寻策问计: the member is a reform observer; the county's latest consultation waits on their
    // home. The first run answers it on the phone; the second finds the answer kept.
    await m.goto(`${base}/`);
    await m.click('a[href="/me/consultations"]');
    await m.waitForLoadState('load');
    if (await m.locator('form[action$="/answer"] textarea').count() > 0) {
      await m.locator('form[action$="/answer"] button').first().click();
      await m.waitForLoadState('load');
      check(await m.locator('.field.bad, .flash.bad').count() + (await m.locator('textarea:invalid').count()) > 0,
        `${name}: an empty answer is not sent`);
      await m.fill('form[action$="/answer"] textarea', '建议困难职工临时救助由镇总工会先行垫付，县总工会三个工作日内审核拨付。');
      await m.locator('form[action$="/answer"] button').first().click();
      await m.waitForLoadState('load');
      check(await m.locator('text=已提交').count() > 0, `${name}: the observer's answer is sent`);
    }
    check(await m.locator('text=先行垫付').count() > 0, `${name}: the observer sees the answer they gave`);
    const kw = await m.evaluate(() => document.documentElement.scrollWidth);
    check(kw <= viewport.width + 1, `${name}: the consultations page has no horizontal scrolling (${kw}px)`);
    await m.screenshot({ path: `${out}/${name}-member-consultation.png`, fullPage: true });
    await mctx.close();

    // 问题需求直达部门: a worker without an account reports at a station's QR code; without a
    // phone number (and not anonymous) the report is refused, keeping what was typed.
    const pctx = await browser.newContext({ viewport, locale: 'zh-CN' });
    const pub = await pctx.newPage();
    await pub.goto(`${base}/report`);
    await pub.selectOption('select[name=type]', 'help');
    await pub.fill('input[name=title]', `${mark}驿站冬天没有热水`);
    await pub.fill('textarea[name=body]', '户外劳动者驿站的热水器坏了。');
    await pub.click('form.card button');
    await pub.waitForLoadState('load');
    check((await pub.locator('.flash.bad').innerText()).includes('手机号'), `${name}: a report without a phone asks for one or anonymity`);
    check(await pub.inputValue('input[name=title]') === `${mark}驿站冬天没有热水`, `${name}: the report keeps what was typed`);
    await pub.fill('input[name=phone]', '13912345678');
    await pub.click('form.card button');
    await pub.waitForLoadState('load');
    check(/工单号 ZD\d+/.test(await pub.locator('.flash').first().innerText()), `${name}: the worker gets a ticket number`);
    const pw = await pub.evaluate(() => document.documentElement.scrollWidth);
    check(pw <= viewport.width + 1, `${name}: the public report has no horizontal scrolling (${pw}px)`);
    await pub.screenshot({ path: `${out}/${name}-public-report.png`, fullPage: true });
    await pctx.close();
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
