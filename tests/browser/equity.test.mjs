// The equity dashboard (issue 13), /equity?district=ID and /equity?school=ID (web/js/equity.js),
// on the demo district with one week of practice history. In English and Spanish, at 1280
// and 360 px, with zero axe-core violations, no CSP violation, 24 px targets and reflow
// (checkPage; screenshots in tests/browser/artifacts/equity-*):
//   - the home page links a district administrator to the district's equity dashboard and
//     each school tile to the school's; a school administrator's tile to their school's;
//   - the headline figures, the table by school and grade and the device figures are the ones
//     the equity and devices APIs give (counted again here from the APIs, independently);
//   - the join with learning is said in words with its 95% interval, and whether the interval
//     includes 0 is said in words, as the API's interval says;
//   - a cell the server hides shows "Hidden" with a link to the rule (the answer is altered
//     in the browser to hide one: the demo's groups are all large), a comparison the server
//     suppresses says why, never a number;
//   - a school administrator cannot read another school's dashboard or the district's.
// WCAG 2.2 criteria are cited at each check (https://www.w3.org/TR/WCAG22/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, demoServer } from '../e2e/lib/auth.mjs';
import {
  hasChromium, NO_CHROMIUM, launch, identityMissing, openPage, checkPage, settle, loginWithPassword, CATALOG,
} from './lib/browser.mjs';

let srv;
let browser;
let why = null;
let district;
let school; // the school administrator's school
let other; // another school of the district
const sessions = new Map(); // role -> storage state
const apis = new Map(); // role -> API client

before(async () => {
  if (!hasChromium) {
    why = NO_CHROMIUM;
    return;
  }
  srv = await demoServer({}, { historyWeeks: 1 });
  why = await identityMissing(srv);
  if (why) return;
  browser = await launch();
  for (const role of ['district_admin', 'school_admin']) {
    const login = srv.logins.find((l) => l.role === role);
    const c = new Client(srv.url);
    assert.equal((await c.login(login)).status, 200);
    apis.set(role, c);
    const first = await openPage(browser, srv.url, {});
    await loginWithPassword(first.page, srv.url, login);
    sessions.set(role, await first.context.storageState());
    await first.context.close();
  }
  const me = (await apis.get('school_admin').req('/api/v1/me')).body;
  district = me.district.id;
  school = me.schools[0].id;
  const all = (await apis.get('district_admin').req(`/api/v1/districts/${district}/equity`)).body.schools;
  other = all.find((s) => s.id !== school).id;
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

const skipIf = () => (why ? { skip: why } : {});

function fill(template, vars) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

async function equityPage(role, lang, width, path, prepare) {
  const { context, page } = await openPage(browser, srv.url, { lang, width, height: width < 400 ? 800 : 900, storageState: sessions.get(role) });
  if (prepare) await prepare(page);
  await page.goto(`${srv.url}${path}`);
  await settle(page);
  return { context, page };
}

// What the devices API says, counted here (every device of the scope, page by page).
async function deviceCounts(api, schoolId) {
  const n = { inService: 0, lent: 0, overdue: 0 };
  for (let offset = 0; ; offset += 500) {
    const q = `${schoolId ? `school=${schoolId}&` : ''}limit=500&offset=${offset}`;
    const r = await api.req(`/api/v1/districts/${district}/devices?${q}`);
    assert.equal(r.status, 200, r.text);
    for (const d of r.body.devices) {
      if (d.type !== 'hotspot' && d.status !== 'retired' && d.status !== 'lost') n.inService++;
      if (d.type === 'hotspot' && d.holder) n.lent++;
      if (d.type === 'hotspot' && d.overdue) n.overdue++;
    }
    if (offset + 500 >= r.body.total) break;
  }
  return n;
}

const ddOf = (page, dt) => page.evaluate((label) => {
  const d = [...document.querySelectorAll('#content dt')].find((e) => e.textContent === label);
  return d ? d.nextElementSibling.textContent : null;
}, dt);

test('home page links: the district administrator to the district and each school; the school administrator to their school', skipIf(), async () => {
  const { context, page } = await openPage(browser, srv.url, { storageState: sessions.get('district_admin') });
  await page.goto(`${srv.url}/`);
  await settle(page);
  assert.equal(await page.getAttribute('#home-equity', 'href'), `/equity?district=${district}`);
  const tiles = await page.$$eval('a[href^="/equity?school="]', (els) => els.map((e) => e.getAttribute('href')));
  assert.ok(tiles.includes(`/equity?school=${school}`) && tiles.length > 1, tiles.join());
  await page.click('#home-equity');
  await page.waitForSelector('#equity-schools');
  await context.close();
  const s = await openPage(browser, srv.url, { storageState: sessions.get('school_admin') });
  await s.page.goto(`${srv.url}/`);
  await settle(s.page);
  assert.deepEqual(await s.page.$$eval('a[href^="/equity"]', (els) => els.map((e) => e.getAttribute('href'))), [`/equity?school=${school}`]);
  await s.context.close();
});

test('the district dashboard in English and Spanish, 1280 and 360 px: the API\'s figures, the join in words, the devices', skipIf(), async () => {
  const api = apis.get('district_admin');
  const eq = (await api.req(`/api/v1/districts/${district}/equity`)).body;
  const dev = await deviceCounts(api, 0);
  for (const lang of ['en', 'es']) {
    const C = CATALOG[lang];
    const nf = new Intl.NumberFormat(lang);
    for (const width of [1280, 360]) {
      const { context, page } = await equityPage('district_admin', lang, width, `/equity?district=${district}`);
      await page.waitForSelector('#equity-schools');
      assert.equal(await page.textContent('h1'), fill(C['equity.heading_of'], { name: eq.schools && (await api.req('/api/v1/me')).body.district.name }));
      // headline: the surveyed students and the share without an adequate connection
      assert.equal(await ddOf(page, C['equity.card.surveyed']), nf.format(eq.all.surveyed));
      const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(eq.all.share_without_adequate_connection);
      assert.ok((await ddOf(page, C['equity.card.no_connection'])).startsWith(pct));
      // the table: one row per school and per school grade, in the API's order
      const rows = await page.$$eval('#equity-schools tbody tr', (els) => els.map((e) => e.querySelector('th').textContent));
      assert.equal(rows.length, eq.schools.reduce((n, s) => n + 1 + s.grades.length, 0));
      assert.equal(rows[0], eq.schools[0].name);
      // the devices, counted again from the inventory
      assert.equal(await ddOf(page, C['equity.dev.in_service']), nf.format(dev.inService));
      assert.equal(await ddOf(page, C['equity.dev.hotspots_lent']), nf.format(dev.lent));
      assert.equal(await ddOf(page, C['equity.dev.hotspots_overdue']), nf.format(dev.overdue));
      assert.ok(dev.lent > 0 && dev.overdue > 0, 'the demo lends hotspots, some overdue');
      // the join with learning: the interval in words, and whether it includes 0 (3.1.5: plain words)
      const a = eq.learning.answers_per_week;
      assert.ok(!a.suppressed, 'the demo has enough students on both sides');
      const text = await page.textContent('.equity-finding');
      const n1 = (x) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(x);
      assert.ok(text.includes(fill(C['equity.answers.means'], { low: n1(a.ci95_low), high: n1(a.ci95_high) })), text);
      const zero = a.ci95_low <= 0 && a.ci95_high >= 0;
      assert.ok(text.includes(C[zero ? 'equity.interval_zero' : 'equity.interval_clear']), text);
      await checkPage(page, 'equity-district', { lang, width });
      await context.close();
    }
  }
});

test('the school dashboard in English and Spanish, 1280 and 360 px; another school and the district are refused', skipIf(), async () => {
  const api = apis.get('school_admin');
  const eq = (await api.req(`/api/v1/schools/${school}/equity`)).body;
  const dev = await deviceCounts(api, school);
  for (const lang of ['en', 'es']) {
    const C = CATALOG[lang];
    for (const width of [1280, 360]) {
      const { context, page } = await equityPage('school_admin', lang, width, `/equity?school=${school}`);
      await page.waitForSelector('#equity-grades');
      assert.equal(await page.textContent('h1'), fill(C['equity.heading_of'], { name: eq.name }));
      assert.equal(await page.$('#equity-schools'), null);
      assert.equal((await page.$$('#equity-grades tbody tr')).length, eq.grades.length);
      assert.equal(await ddOf(page, C['equity.dev.in_service']), new Intl.NumberFormat(lang).format(dev.inService));
      // the CSV by state plan objective, from the link (the browser's session)
      const csv = await page.evaluate(async () => {
        const r = await fetch(document.getElementById('equity-csv').href);
        return [r.status, (await r.text()).split('\r\n')[0]];
      });
      assert.deepEqual(csv, [200, 'objective,measure,school_id,school,grade,students_surveyed,students,share,status,note']);
      await checkPage(page, 'equity-school', { lang, width });
      await context.close();
    }
  }
  for (const path of [`/equity?school=${other}`, `/equity?district=${district}`]) {
    const { context, page } = await equityPage('school_admin', 'en', 1280, path);
    await page.waitForFunction(() => !document.querySelector('#status.loading') || document.getElementById('status').textContent !== '');
    assert.equal(await page.$('.equity-view'), null, path);
    assert.notEqual((await page.textContent('#status')).trim(), CATALOG.en['common.loading']);
    await context.close();
  }
});

test('a hidden cell says "Hidden" and leads to the rule; a suppressed comparison says why, never a number', skipIf(), async () => {
  for (const lang of ['en', 'es']) {
    const C = CATALOG[lang];
    const { context, page } = await equityPage('school_admin', lang, 1280, `/equity?school=${school}`, (p) =>
      p.route(/\/api\/v1\/schools\/\d+\/equity/, async (route) => {
        const r = await route.fetch();
        const body = await r.json();
        body.grades[0] = { grade: body.grades[0].grade, suppressed: true, reason: 'fewer_than_min' };
        body.grades[1] = { grade: body.grades[1].grade, suppressed: true, reason: 'complement' };
        body.learning.mastery_growth = { suppressed: true };
        await route.fulfill({ response: r, json: body });
      }));
    await page.waitForSelector('#equity-grades');
    const marks = await page.$$eval('#equity-grades .school-hidden', (els) => els.map((e) => e.textContent));
    assert.deepEqual(marks, [`${C['equity.hidden']}*`, `${C['equity.hidden']}*`]);
    // a hidden row: one hatched cell across the figures, no number in it (not a 0, not a blank)
    const cells = await page.$eval('#equity-grades tbody tr', (tr) => [...tr.querySelectorAll('td')].map((td) => [td.className, td.textContent]));
    assert.deepEqual(cells, [['school-num school-hidden-cell', `${C['equity.hidden']}*`]]);
    // the mark is a link to the rule (2.4.4: its name says where it goes)
    assert.equal(await page.getAttribute('#equity-grades .school-why', 'aria-label'), C['equity.why_hidden']);
    await page.click('#equity-grades .school-why');
    assert.equal(await page.evaluate(() => location.hash), '#equity-rule');
    const learning = await page.textContent('section[aria-labelledby="equity-learning-h"]');
    assert.ok(learning.includes(fill(C['equity.growth.suppressed'], { n: 10 })), learning);
    await checkPage(page, 'equity-hidden', { lang, width: 1280 });
    await context.close();
  }
});
