// Each demo role's pages, in English and Spanish, at 1280 and 360 px: the home page
// shows what GET /api/v1/home says this person may see (a student their classes, a
// teacher their classes with rosters, a guardian their children, admins and
// counsellors their schools with counts formatted for the language), and every page
// a role can reach passes axe-core with zero violations, with no CSP violation.
// The teacher's login cards print 8 to a sheet on A4 and on US Letter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  hasChromium, NO_CHROMIUM, launch, demoServer, identityMissing, openPage, checkPage,
  settle, loginWithPassword, CATALOG, writeArtifact, pageWeight, escapedText, screenshotPath,
} from './lib/browser.mjs';

const ROLES = ['student', 'guardian', 'teacher', 'counsellor', 'school_admin', 'district_admin'];
let srv;
let browser;
let why = null;
const weights = [];

before(async () => {
  if (!hasChromium) {
    why = NO_CHROMIUM;
    return;
  }
  srv = await demoServer();
  why = srv.noDemo || (await identityMissing(srv));
  if (!why) browser = await launch();
});

after(async () => {
  if (weights.length) writeArtifact('weight-home.txt', weights.join('\n') + '\n');
  await browser?.close();
  await srv?.cleanup();
});

function fill(template, vars) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

async function getJson(page, path) {
  const r = await page.request.get(`${srv.url}${path}`);
  assert.equal(r.status(), 200, `GET ${path}`);
  return r.json();
}

// Both widths of one page: full checks at 1280 px, then again at 360 px.
async function checkBoth(page, name, lang) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await checkPage(page, name, { lang, width: 1280 });
  await page.setViewportSize({ width: 360, height: 800 });
  await checkPage(page, name, { lang, width: 360 });
  await page.setViewportSize({ width: 1280, height: 900 });
}

const mainText = (page) => page.textContent('main');

// Each role logs in once, through the login page; later pages reuse its session (a
// TOTP step is accepted once, so logging in again would wait for the next step).
const sessions = new Map();
async function loggedIn(role, lang) {
  const login = srv.logins.find((l) => l.role === role);
  if (!login) return null;
  if (!sessions.has(role)) {
    const first = await openPage(browser, srv.url, { lang });
    await loginWithPassword(first.page, srv.url, login);
    sessions.set(role, await first.context.storageState());
    await first.context.close();
  }
  const opened = await openPage(browser, srv.url, { lang, storageState: sessions.get(role) });
  await opened.page.goto(`${srv.url}/`);
  await settle(opened.page);
  return opened;
}

for (const role of ROLES) {
  for (const lang of ['en', 'es']) {
    test(`${role}: home page in ${lang} shows what this person may see`, async (t) => {
      if (why) return t.skip(why);
      const opened = await loggedIn(role, lang);
      if (!opened) return t.skip(`no ${role} in the demo logins file`);
      const { context, page } = opened;
      if (lang === 'es' && role === 'guardian') {
        // a family's phone: the home page in a fresh browser, session cookie only
        const w = await pageWeight(page);
        weights.push(`${role} home (${lang}), first load: ${w.requests} requests, ${w.bytes} bytes\n${w.rows.join('\n')}`);
        // 10 requests and 48 KB: the design system's CSS, the icon sprite (about 5 KB compressed, kept an hour), and a
        // guardian's family view, whose module and texts (i18n/family-<lang>.json) only a
        // guardian's home page fetches, the two in parallel
        assert.ok(w.requests <= 10, `the home page made ${w.requests} requests`);
        assert.ok(w.bytes <= 48 * 1024, `the home page moved ${w.bytes} bytes`);
      }
      const me = await getJson(page, '/api/v1/me');
      const home = await getJson(page, '/api/v1/home');
      assert.equal(home.role, role);
      assert.equal(await page.textContent('h1'), fill(CATALOG[lang]['home.welcome'], { name: me.name || me.username }));
      const text = await mainText(page);
      const nf = new Intl.NumberFormat(lang);
      if (role === 'student' || role === 'teacher') {
        assert.ok(home.classes.length > 0, `the demo ${role} has classes`);
        for (const c of home.classes) assert.ok(text.includes(c.title), `class ${c.title} shown`);
      }
      if (role === 'teacher') {
        for (const c of home.classes) {
          assert.ok(await page.$(`main a[href="/class?id=${c.id}"]`), `a link to the roster of ${c.title}`);
          assert.ok(await page.$(`main a[href="/cards?class=${c.id}"]`), `a link to the login cards of ${c.title}`);
          if (c.students !== undefined)
            assert.ok(text.includes(fill(CATALOG[lang]['home.students'][c.students === 1 ? 'one' : 'other'], { count: nf.format(c.students) })));
        }
      }
      if (role === 'student') assert.equal(await page.$('main a[href^="/class?"]'), null, 'a student sees no rosters');
      if (role === 'guardian') {
        assert.ok(home.children.length > 0, 'the demo guardian has children');
        const names = await page.$$eval('main h2, main h3', (hs) => hs.map((h) => h.textContent));
        for (const c of home.children) assert.ok(names.includes(c.name), `child ${c.name} shown`);
      }
      if (['counsellor', 'school_admin', 'district_admin'].includes(role)) {
        assert.ok(home.schools.length > 0, `the demo ${role} has schools`);
        const tiles = await page.$$eval('main .tile', (ts) => ts.map((x) => x.textContent));
        for (const s of home.schools) {
          const tile = tiles.find((x) => x.includes(s.name));
          assert.ok(tile, `school ${s.name} shown`);
          for (const k of ['students', 'teachers', 'classes'])
            if (s[k] !== undefined) assert.ok(tile.includes(CATALOG[lang][`home.count_${k}`] + nf.format(s[k])), `${s.name}: ${k} ${nf.format(s[k])}`);
        }
        if (role === 'district_admin') assert.ok(home.schools.length > 1, 'a district admin sees every school');
      }
      await checkBoth(page, `home-${role}`, lang);
      await page.goto(`${srv.url}/account`);
      await settle(page);
      assert.ok((await mainText(page)).includes(me.username));
      await checkBoth(page, `account-${role}`, lang);
      await page.goto(`${srv.url}/totp`);
      await settle(page);
      await checkBoth(page, `totp-${role}`, lang);
      await context.close();
    });
  }
}

for (const lang of ['en', 'es']) {
  test(`teacher: a class page with its roster, and its login cards, in ${lang}`, async (t) => {
    if (why) return t.skip(why);
    const opened = await loggedIn('teacher', lang);
    if (!opened) return t.skip('no teacher in the demo logins file');
    const { context, page } = opened;
    const home = await getJson(page, '/api/v1/home');
    const cls = home.classes.find((c) => c.students > 0) || home.classes[0];
    await page.click(`main a[href="/class?id=${cls.id}"]`);
    await page.waitForURL(/\/class\?id=/);
    await settle(page);
    const roster = await getJson(page, `/api/v1/classes/${cls.id}/students`);
    assert.equal(await page.textContent('h1'), roster.class.title);
    const rows = await page.$$eval('table.roster tbody tr', (trs) => trs.map((tr) => tr.querySelector('th').textContent));
    assert.deepEqual(rows, roster.students.map((s) => s.name), 'one row per student, in the order given');
    assert.equal(await page.$$eval('table.roster th[scope=col]', (ths) => ths.length), 3, 'column headers (1.3.1)');
    await checkBoth(page, 'class', lang);
    await page.click('main a[href^="/cards?class="]');
    await page.waitForURL(/\/cards\?class=/);
    await settle(page);
    const cards = await getJson(page, `/api/v1/classes/${cls.id}/cards`);
    assert.equal(await page.$$eval('.cards > .card', (c) => c.length), cards.cards.length);
    for (const c of cards.cards) {
      const card = page.locator('.card', { hasText: c.student.name }).first();
      assert.equal(await card.locator('.card-code').textContent(), c.code);
      assert.equal(await card.locator('img.card-qr').getAttribute('alt'), fill(CATALOG[lang]['cards.qr_alt'], { name: c.student.name }));
    }
    await checkBoth(page, 'cards', lang);
    // print: every card's text inside its card, and 8 cards to a sheet on A4 and on
    // Letter (2 x 4, 90 x 57 mm each)
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
    assert.deepEqual(await escapedText(page), [], 'printed cards: text outside its card');
    await page.screenshot({ path: screenshotPath(`cards-print-${lang}`), fullPage: true });
    await page.emulateMedia({ media: null });
    for (const format of ['A4', 'Letter']) {
      const pdf = await page.pdf({ format, printBackground: true });
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
      assert.equal(pages, Math.max(1, Math.ceil(cards.cards.length / 8)), `${format}: ${cards.cards.length} cards on ${pages} sheets`);
    }
    await context.close();
  });
}

test('a teacher asking for a class that is not theirs sees "not found", not the roster', async (t) => {
  if (why) return t.skip(why);
  const { context, page } = await loggedIn('teacher', 'en');
  await page.goto(`${srv.url}/class?id=999999999`);
  await settle(page);
  assert.equal(await page.textContent('#status'), CATALOG.en['class.not_found']);
  assert.equal(await page.$('table.roster'), null);
  await checkPage(page, 'class-not-found', { lang: 'en', width: 1280 });
  await context.close();
});
