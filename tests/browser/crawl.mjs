// Walks every page each role can reach, at a desk width and on a phone, following every in-app
// link once (a link pattern at most twice: /members/123 and /members/456 are one page), and
// checks each page as a user would meet it: it answers, nothing scrolls sideways, the menu's
// links and buttons are big enough to touch, no English error text and no raw code shows.
// Usage: node crawl.mjs http://127.0.0.1:PORT OUTDIR
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const base = process.argv[2];
const out = process.argv[3] || 'screens';
mkdirSync(out, { recursive: true });

const roles = ['admin', 'leader', 'dept-service', 'jianyang', 'jiceng', 'member'];
const widths = [['desk', { width: 1366, height: 860 }], ['phone', { width: 375, height: 740 }]];
const MAX_PAGES = 90;

// What a user should never read: English errors, and codes where a name belongs.
const english = [/Invalid URL/i, /Failed to deserialize/i, /Internal Server Error/i, /Cannot parse/i, /Not Found/];
const rawCodes = [
  /\b(member|union|work|care|campaign|benefit|hardship|import|calendar|user|login|logout)\.[a-z_]+\b/,
  /user #\d*/, /member #/, /行业 [A-T]\b/, /\bcounty-admin\b/, /\bin_progress\b/,
];
const skip = /\/(logout|export|report|photo|files|signed|sign\.xlsx|chart\.svg)\b|\.(xlsx|csv|ics|svg|png|jpg)(\?|$)|^\/api\//;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

const problems = [];
let visited = 0;
function problem(where, what) {
  problems.push(`${where}: ${what}`);
  console.log(`not ok - ${where}: ${what}`);
}
const pattern = (u) => u.pathname.replace(/\/\d+/g, '/N') + (u.search ? '?' + [...u.searchParams.keys()].sort().join('&') : '');

for (const role of roles) {
  for (const [wname, viewport] of widths) {
    const context = await browser.newContext({ viewport, locale: 'zh-CN' });
    const page = await context.newPage();
    const where = (p) => `${role}@${wname} ${p}`;
    await page.goto(`${base}/login`);
    await page.fill('input[name=username]', role);
    await page.fill('input[name=password]', 'gonghui-demo');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    if (role === 'member' && wname === 'phone') await page.screenshot({ path: `${out}/member-home-phone.png`, fullPage: true });
    if (role === 'jiceng' && wname === 'phone') {
      await page.goto(`${base}/work`);
      await page.screenshot({ path: `${out}/cadre-inbox-phone.png`, fullPage: true });
    }
    const seen = new Set();
    const patterns = new Map();
    const queue = ['/'];
    let pages = 0;
    while (queue.length && pages < MAX_PAGES) {
      const path = queue.shift();
      if (seen.has(path)) continue;
      seen.add(path);
      const u = new URL(path, base);
      const key = pattern(u);
      const n = patterns.get(key) || 0;
      if (n >= 2) continue;
      patterns.set(key, n + 1);
      let r;
      try {
        r = await page.goto(`${base}${path}`, { waitUntil: 'load' });
      } catch (e) {
        problem(where(path), `did not load (${e.message})`);
        continue;
      }
      pages += 1;
      visited += 1;
      if (!r || r.status() >= 400) problem(where(path), `answers ${r ? r.status() : 'nothing'}`);
      const check = await page.evaluate(() => {
        const doc = document.documentElement;
        const small = [];
        for (const el of document.querySelectorAll('header a, header button, header label, header summary')) {
          const b = el.getBoundingClientRect();
          const style = getComputedStyle(el);
          if (b.width === 0 || b.height === 0 || style.visibility === 'hidden') continue;
          if (b.height < 44 || b.width < 44) small.push(`${el.textContent.trim() || el.tagName} ${Math.round(b.width)}×${Math.round(b.height)}`);
        }
        const links = [...document.querySelectorAll('a[href]')]
          .filter((a) => !a.hasAttribute('download'))
          .map((a) => a.getAttribute('href'));
        return { scroll: doc.scrollWidth - doc.clientWidth, text: document.body.innerText, small, links };
      });
      if (check.scroll > 1) problem(where(path), `scrolls sideways by ${check.scroll}px`);
      if (check.small.length) problem(where(path), `menu targets under 44px: ${check.small.slice(0, 4).join(', ')}`);
      for (const re of english) if (re.test(check.text)) problem(where(path), `English error text ${re}`);
      for (const re of rawCodes) {
        const m = check.text.match(re);
        if (m) problem(where(path), `raw code "${m[0]}"`);
      }
      for (const href of check.links) {
        if (!href || href.startsWith('#') || href.startsWith('mailto:') || href.startsWith('javascript:')) continue;
        const next = new URL(href, `${base}${path}`);
        if (next.origin !== new URL(base).origin) continue;
        const p = next.pathname + next.search;
        if (skip.test(next.pathname) || skip.test(p)) continue;
        if (!seen.has(p)) queue.push(p);
      }
    }
    // Addresses nobody links to but people type or keep: each answers in Chinese, in the layout.
    if (wname === 'desk') {
      for (const path of ['/members/abc', '/members?page=abc', '/work/99999999', '/unions/no-such-union', '/nowhere']) {
        const r = await page.goto(`${base}${path}`, { waitUntil: 'load' });
        const text = await page.evaluate(() => document.body.innerText);
        const framed = await page.evaluate(() => !!document.querySelector('header.top .brand'));
        if (!r || r.status() >= 500) problem(where(path), `answers ${r ? r.status() : 'nothing'}`);
        if (!framed) problem(where(path), 'error page outside the layout');
        for (const re of english) if (re.test(text)) problem(where(path), `English error text ${re}`);
      }
      const icon = await page.goto(`${base}/favicon.ico`);
      if (!icon || icon.status() !== 200) problem(where('/favicon.ico'), 'no icon');
    }
    console.log(`ok - ${role}@${wname}: ${pages} pages`);
    await context.close();
  }
}
await browser.close();
console.log(`crawl: ${visited} pages, ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
