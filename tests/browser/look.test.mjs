// The look and feel (issue 12): every existing page in English and Spanish at 1280 and
// 360 px with the design system (zero axe-core violations: axe checks the contrast of
// the status colours and tokens), the district's name and logo in the header of every
// page and on the login page, icons from the vendored sprite, titles that do not repeat
// themselves ("Period 0", a course that repeats the class's title, the raw server
// address on login cards), pages that say what to do when they are empty, and the first
// frame painted in Spanish on every page (never the English of the HTML first).
// Screenshots: tests/browser/artifacts/look-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, request, startServer } from '../e2e/lib/trellis.mjs';
import {
  hasChromium, NO_CHROMIUM, launch, demoServer, identityMissing, openPage, checkPage,
  settle, loginWithPassword, CATALOG, screenshotPath,
} from './lib/browser.mjs';

let srv;
let browser;
let why = null;
const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="#0b3d6e"/><path d="M32 12 L48 44 H16 Z" fill="#2e7d32"/></svg>\n';

before(async () => {
  if (!hasChromium) {
    why = NO_CHROMIUM;
    return;
  }
  const dir = tempDir('trellis-look-');
  const logo = join(dir, 'district-logo.svg');
  writeFileSync(logo, LOGO);
  srv = await demoServer({ args: ['--logo', logo] });
  why = srv.noDemo || (await identityMissing(srv));
  if (!why) browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

const DISTRICT = 'Cedar Valley Unified School District (demo)';

// ---- the server's part: the logo setting and GET /api/v1/brand ----

test('GET /api/v1/brand names the district and its logo, which the server serves', async (t) => {
  if (why) return t.skip(why);
  const r = await request(srv.url, '/api/v1/brand');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { district: DISTRICT, logo: '/brand/logo.svg' });
  const img = await fetch(`${srv.url}/brand/logo.svg`);
  assert.equal(img.status, 200);
  assert.match(img.headers.get('content-type'), /^image\/svg\+xml/);
  assert.equal(await img.text(), LOGO);
  // the icon sprite is kept an hour (one request a page, however many icons it draws
  // and when); the pages and their modules still revalidate every time
  const sprite = await fetch(`${srv.url}/vendor/icons.svg`);
  if (sprite.status === 200) assert.equal(sprite.headers.get('cache-control'), 'max-age=3600');
  assert.equal((await fetch(`${srv.url}/css/app.css`)).headers.get('cache-control'), 'no-cache');
});

test('without a district or a logo the header says "Trellis" and the login page names no one', async (t) => {
  if (why) return t.skip(why);
  const empty = await startServer(); // a new database: no district, no logo setting
  try {
    const r = await request(empty.url, '/api/v1/brand');
    assert.deepEqual(r.body, { district: null, logo: null });
    for (const lang of ['en', 'es']) {
      const { context, page } = await openPage(browser, empty.url, { lang, width: 360 });
      try {
        await page.goto(`${empty.url}/login`);
        await settle(page);
        await page.waitForFunction(() => document.querySelector('a.brand')?.dataset.brand === '|');
        assert.equal((await page.textContent('a.brand')).trim(), 'Trellis');
        assert.equal(await page.$('a.brand img'), null, 'no logo');
        assert.equal(await page.isHidden('#login-district'), true);
        await checkPage(page, 'look-login-nodistrict', { lang, width: 360 });
      } finally {
        await context.close();
      }
    }
  } finally {
    await empty.cleanup();
  }
});

// ---- sessions ----

const sessions = new Map();
async function opened(role, lang, width) {
  if (!role) return openPage(browser, srv.url, { lang, width });
  const login = srv.logins.find((l) => l.role === role);
  assert.ok(login, `a ${role} in the demo logins file`);
  if (!sessions.has(role)) {
    const first = await openPage(browser, srv.url, { lang });
    await loginWithPassword(first.page, srv.url, login);
    sessions.set(role, await first.context.storageState());
    await first.context.close();
  }
  return openPage(browser, srv.url, { lang, width, storageState: sessions.get(role) });
}

// 3.1.1 and the issue: a Spanish reader never sees the English of the HTML. Records, in
// the first animation frame in which the body is visible, the page's lang and every
// visible text that is still the English of a catalog message.
async function watchFirstPaint(page) {
  const en = Object.fromEntries(Object.entries(CATALOG.en).filter(([k, v]) => typeof v === 'string' && v !== CATALOG.es[k]));
  await page.addInitScript((english) => {
    window.__firstPaint = null;
    const look = () => {
      const b = document.body;
      if (b && document.readyState !== 'loading' && getComputedStyle(b).visibility !== 'hidden') {
        const left = [];
        for (const el of document.querySelectorAll('[data-i18n]')) {
          if (!el.getClientRects().length) continue;
          if (english[el.dataset.i18n] === el.textContent) left.push(`${el.dataset.i18n}: ${el.textContent}`);
        }
        window.__firstPaint = { lang: document.documentElement.lang, english: left };
        return;
      }
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  }, en);
}

// The header of every page: the district's name, its logo (decorative: the name is
// beside it), and the product's name; the icons drawn from the vendored sprite.
async function expectChrome(page, name) {
  await page.waitForSelector('a.brand .brand-district');
  assert.equal((await page.textContent('a.brand .brand-district')).trim(), DISTRICT, `${name}: the district's name in the header`);
  const logo = await page.$eval('a.brand img.brand-logo', (img) => ({ src: img.getAttribute('src'), alt: img.alt, w: img.naturalWidth }));
  assert.deepEqual(logo, { src: '/brand/logo.svg', alt: '', w: logo.w }, `${name}: the logo in the header`);
  assert.ok(logo.w > 0, `${name}: the logo loaded`);
  // every icon is hidden from screen readers and drawn at a real size
  const icons = await page.$$eval('svg.icon', (list) => list.filter((s) => s.getClientRects().length).map((s) => ({ hidden: s.getAttribute('aria-hidden'), w: s.getBoundingClientRect().width, href: s.querySelector('use')?.getAttribute('href') })));
  for (const i of icons) {
    assert.equal(i.hidden, 'true', `${name}: icon ${i.href} is decorative`);
    assert.ok(i.w >= 12, `${name}: icon ${i.href} drawn (${i.w} px)`);
    assert.match(i.href, /^\/vendor\/icons\.svg#[a-z0-9-]+$/, `${name}: icon from the vendored sprite`);
  }
}

async function checkBoth(page, name, lang) {
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 800 : 900 });
    await checkPage(page, `look-${name}`, { lang, width });
  }
}

// [role, page name, path, what to check after it settled]
const PAGES = [
  [null, 'login', '/login', async (page, lang) => {
    assert.equal(await page.textContent('#login-district'), CATALOG[lang]['look.login_district'].replace('{district}', DISTRICT));
  }],
  [null, '404', '/no-such-page', null],
  [null, 'card', '/card', null],
  ['student', 'home-student', '/', async (page) => {
    const main = await page.textContent('main');
    assert.doesNotMatch(main, /Period 0|Periodo 0|Período 0/, 'a homeroom shows no period 0');
  }],
  ['student', 'practice', '/practice', null],
  ['student', 'progress', '/progress', null],
  ['student', 'account-student', '/account', null],
  ['teacher', 'home-teacher', '/', async (page) => {
    // a tile's title and its line under it never say the same thing twice
    const tiles = await page.$$eval('.tile', (list) => list.map((t) => ({ title: t.querySelector('.tile-title')?.textContent.trim(), meta: t.querySelector('.meta')?.textContent.trim() || '' })));
    assert.ok(tiles.length > 0);
    for (const { title, meta } of tiles) {
      for (const bit of meta.split(' · ')) assert.ok(!title.toLowerCase().includes(bit.toLowerCase()), `"${bit}" repeats the title "${title}"`);
      assert.doesNotMatch(meta, /Period 0|Periodo 0|Período 0/, `${title}: no period 0`);
    }
  }],
  ['teacher', 'class', '/class?id=2', async (page) => {
    const meta = await page.textContent('main .meta');
    const h1 = await page.textContent('h1');
    for (const bit of meta.split(' · ')) assert.ok(!h1.toLowerCase().includes(bit.toLowerCase()), `"${bit}" repeats the heading "${h1}"`);
    assert.ok(await page.$('table.roster th[scope=col]'));
  }],
  ['teacher', 'cards', '/cards?class=1', async (page, lang) => {
    // the cards name the district and never print the address of this test's server
    const host = new URL(srv.url).host;
    const how = await page.$$eval('.card-how', (l) => l.map((e) => e.textContent));
    assert.ok(how.length > 0);
    for (const text of how) {
      assert.ok(!text.includes(host), `a card prints the raw server address: ${text}`);
      assert.equal(text, CATALOG[lang]['look.card_how']);
    }
    assert.equal((await page.textContent('.cards .card-district')).trim(), DISTRICT);
  }],
  ['teacher', 'account-teacher', '/account', null],
  ['teacher', 'totp', '/totp', null],
  ['guardian', 'home-guardian', '/', null],
  ['district_admin', 'home-admin', '/', null],
  ['district_admin', 'account-admin', '/account', null],
];

for (const [role, name, path, extra] of PAGES) {
  for (const lang of ['en', 'es']) {
    test(`${name} (${role || 'anyone'}) in ${lang}: design system, district, icons, first paint, axe at 1280 and 360 px`, async (t) => {
      if (why) return t.skip(why);
      const { context, page } = await opened(role, lang, 1280);
      try {
        await watchFirstPaint(page);
        await page.goto(`${srv.url}${path}`);
        await settle(page);
        const first = await page.evaluate(() => window.__firstPaint);
        assert.ok(first, `${name}: a frame was painted`);
        assert.equal(first.lang, lang, `${name}: the first frame painted is in ${lang}`);
        assert.deepEqual(first.english, lang === 'es' ? [] : first.english, `${name}: English painted before the Spanish`);
        await expectChrome(page, name);
        if (extra) await extra(page, lang);
        await checkBoth(page, name, lang);
      } finally {
        await context.close();
      }
    });
  }
}

// ---- empty pages say what to do (the API's answer replaced by an empty one) ----

const EMPTY = [
  ['student', 'empty-student', '/', '/api/v1/home', { role: 'student', classes: [] }, 'home.no_classes', 'look.no_classes_do'],
  ['teacher', 'empty-teacher', '/', '/api/v1/home', { role: 'teacher', classes: [] }, 'home.no_classes_teacher', 'look.no_classes_teacher_do'],
  ['guardian', 'empty-guardian', '/', '/api/v1/children', { children: [] }, 'look.no_children_title', 'look.no_children_do'],
  ['district_admin', 'empty-admin', '/', '/api/v1/home', { role: 'district_admin', schools: [] }, 'home.no_schools', 'look.no_schools_do'],
  ['teacher', 'empty-class', '/class?id=2', '/api/v1/classes/2/students', { class: { id: 2, title: 'Grade 3 Mathematics - Section 1', course: 'Grade 3 Mathematics', period: '1' }, students: [] }, 'class.no_students', 'look.no_students_do'],
  ['student', 'empty-progress', '/progress', '/api/v1/practice/progress', { skills: [] }, 'look.no_skills_title', 'progress.empty'],
];

for (const [role, name, path, api, body, titleKey, textKey] of EMPTY) {
  for (const lang of ['en', 'es']) {
    test(`${name} in ${lang}: an empty page says what is missing and what to do`, async (t) => {
      if (why) return t.skip(why);
      const { context, page } = await opened(role, lang, 1280);
      try {
        await page.route(`${srv.url}${api}*`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) }));
        await page.goto(`${srv.url}${path}`);
        await settle(page);
        const box = await page.waitForSelector('.empty-state');
        assert.equal((await box.$eval('h2, h3', (e) => e.textContent)).trim(), CATALOG[lang][titleKey]);
        assert.equal((await box.$eval('p', (e) => e.textContent)).trim(), CATALOG[lang][textKey]);
        await checkBoth(page, name, lang);
      } finally {
        await context.close();
      }
    });
  }
}

// ---- status colours: each badge variant meets 4.5:1 (text) and 3:1 (its edge) ----

function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function ratio(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('status badges (mastered, working, stuck, not started; ok, warning, danger, info) meet WCAG 2.2 contrast', async (t) => {
  if (why) return t.skip(why);
  const { context, page } = await opened(null, 'en', 1280);
  try {
    await page.goto(`${srv.url}/login`);
    await settle(page);
    const kinds = ['mastered', 'working', 'stuck', 'not-started', 'ok', 'warning', 'danger', 'info'];
    const found = await page.evaluate((list) => {
      const holder = document.createElement('p');
      document.querySelector('main').append(holder);
      return list.map((k) => {
        const b = document.createElement('span');
        b.className = `badge ${k}`;
        b.textContent = k;
        holder.append(b);
        const s = getComputedStyle(b);
        return { k, fg: s.color, bg: s.backgroundColor, edge: s.borderTopColor, edgeW: parseFloat(s.borderTopWidth), page: getComputedStyle(document.body).backgroundColor };
      });
    }, kinds);
    for (const { k, fg, bg, edge, edgeW, page: pageBg } of found) {
      assert.ok(ratio(fg, bg) >= 4.5, `${k}: text ${fg} on ${bg} is ${ratio(fg, bg).toFixed(2)}:1`);
      assert.ok(edgeW >= 1 && ratio(edge, pageBg) >= 3, `${k}: edge ${edge} on the page ${pageBg} is ${ratio(edge, pageBg).toFixed(2)}:1`);
      assert.ok(ratio(edge, 'rgb(255, 255, 255)') >= 3, `${k}: edge on white`);
    }
    assert.equal(new Set(found.map((f) => f.bg)).size >= 4, true, 'the statuses are told apart by more than one colour');
    await page.screenshot({ path: screenshotPath('look-badges'), fullPage: true });
  } finally {
    await context.close();
  }
});

// ---- tabs (js/tabs.js): the WAI-ARIA tabs pattern by keyboard, zero axe violations ----

test('tabs: roving tabindex, arrows, Home and End select and show a panel; axe finds nothing', async (t) => {
  if (why) return t.skip(why);
  const { context, page } = await opened(null, 'en', 1280);
  try {
    await page.goto(`${srv.url}/no-such-page`);
    await settle(page);
    await page.evaluate(async () => {
      const { tabs } = await import('/js/tabs.js');
      const p = (s) => Object.assign(document.createElement('p'), { textContent: s });
      window.__tabChanges = [];
      document.querySelector('main').append(tabs({
        id: 'v', label: 'Views',
        items: [{ key: 'a', title: 'Alpha', panel: p('Panel A') }, { key: 'b', title: 'Beta', panel: p('Panel B') }, { key: 'c', title: 'Gamma', panel: p('Panel C') }],
        selected: 'a', onChange: (k) => window.__tabChanges.push(k),
      }));
    });
    const state = () => page.evaluate(() => ({
      selected: [...document.querySelectorAll('[role=tab]')].filter((b) => b.getAttribute('aria-selected') === 'true').map((b) => b.textContent),
      tabbable: [...document.querySelectorAll('[role=tab]')].filter((b) => b.tabIndex === 0).map((b) => b.textContent),
      shown: [...document.querySelectorAll('[role=tabpanel]')].filter((p) => !p.hidden).map((p) => p.textContent),
      focus: document.activeElement.textContent,
    }));
    assert.deepEqual(await state(), { selected: ['Alpha'], tabbable: ['Alpha'], shown: ['Panel A'], focus: (await state()).focus });
    await page.focus('#v-tab-a');
    await page.keyboard.press('ArrowRight');
    assert.deepEqual(await state(), { selected: ['Beta'], tabbable: ['Beta'], shown: ['Panel B'], focus: 'Beta' });
    await page.keyboard.press('End');
    assert.deepEqual(await state(), { selected: ['Gamma'], tabbable: ['Gamma'], shown: ['Panel C'], focus: 'Gamma' });
    await page.keyboard.press('ArrowRight'); // wraps
    assert.deepEqual((await state()).selected, ['Alpha']);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Home');
    assert.deepEqual(await state(), { selected: ['Alpha'], tabbable: ['Alpha'], shown: ['Panel A'], focus: 'Alpha' });
    // Tab leaves the tab list for the shown panel
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'v-panel-a');
    await page.click('#v-tab-b');
    assert.deepEqual((await state()).shown, ['Panel B']);
    assert.deepEqual(await page.evaluate(() => window.__tabChanges), ['b', 'c', 'a', 'c', 'a', 'b']);
    await checkPage(page, 'look-tabs', { lang: 'en', width: 1280 });
  } finally {
    await context.close();
  }
});
