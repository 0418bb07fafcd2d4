// The school and district dashboards (/district?id=N, /school?id=N; web/js/overview.js) on a
// seeded district whose sizes are known (tests/e2e/lib/seeded_district.mjs): school A has
// grade 3 classes of 12, 11 and 7 students and grade 4 classes of 14 and 13; school B has
// grade 3 classes of 15 and 16 and a grade 4 class of 12. The students practise over four
// weeks; two weeks ago only 5 of school A's students did (so that week of each school is
// hidden, and the district's is shown).
//
// In English and Spanish, at 1280 and 360 px, with zero axe-core violations and no CSP
// violation (checkPage), screenshots kept in tests/browser/artifacts:
//   - the home page links a district administrator to the district's dashboard and every
//     administrator's school tile to the school's;
//   - the district's dashboard shows each school and grade as the API gives them, and the
//     weekly trend as three Chart.js charts (from /vendor/chart.min.js) and a table;
//   - school A's dashboard shows the class of 7 and its complement as "Hidden" (a mark that
//     points to the explanation), never a number; a hidden week is a gap in the charts and
//     "Hidden" in the table;
//   - the filters (school, grade, weeks of trend) change what is shown, and the address says so;
//   - the language switch redraws the page in place (texts and charts);
//   - by keyboard: the filters, then the table (a focusable scrolling region with a focus ring),
//     then a hidden cell's mark, which leads to the explanation;
//   - a school administrator cannot open another school's dashboard or the district's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  hasChromium, NO_CHROMIUM, launch, openPage, checkPage, settle, CATALOG,
} from './lib/browser.mjs';
import { startServer, trellis, tempDir } from '../e2e/lib/trellis.mjs';
import { Client, nextTotp } from '../e2e/lib/auth.mjs';
import { seedDatabase, homerooms, statementWriter, practise } from '../e2e/lib/seeded_district.mjs';

const SIZES = { sA: { '03': [12, 11, 7], '04': [14, 13] }, sB: { '03': [15, 16], '04': [12] } };
let srv;
let browser;
let why = null;
let districtId;
const schoolId = {};
const staff = {}; // role -> session cookie value

function fill(template, vars) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

// An account made with the command line, its second factor set up through the API (as the
// account page does); the browser gets its session cookie.
async function staffAccount(username, role, school) {
  const args = ['admin', 'add-account', '--db', srv.db, '--username', username, '--name', `Pat ${role}`, '--role', role];
  if (school) args.push('--school', school);
  const add = trellis(args);
  assert.equal(add.status, 0, add.stderr);
  const c = new Client(srv.url);
  const r = await c.login({ username, password: JSON.parse(add.stdout).password });
  assert.equal(r.status, 200, r.text);
  if (r.body.mfa?.required) {
    const t = await c.req('/api/v1/me/totp', { method: 'POST' });
    assert.equal(t.status, 200, t.text);
    const ok = await c.req('/api/v1/me/totp/confirm', { method: 'POST', json: { totp: await nextTotp(t.body.secret) } });
    assert.equal(ok.status, 200, ok.text);
  }
  return c;
}

before(async () => {
  if (!hasChromium) {
    why = NO_CHROMIUM;
    return;
  }
  const work = tempDir('trellis-browser-school-');
  const db = join(work, 'school.db');
  seedDatabase(work, db, SIZES);
  srv = await startServer({ db, dir: work, init: false });
  staff.district_admin = await staffAccount('d.admin', 'district_admin');
  staff.school_admin = await staffAccount('a.admin', 'school_admin', 'sA');
  const me = (await staff.district_admin.req('/api/v1/me')).body;
  districtId = me.district.id;
  const o = (await staff.district_admin.req(`/api/v1/districts/${districtId}/overview`)).body;
  for (const s of o.schools) schoolId[s.name === 'School A' ? 'sA' : 'sB'] = s.id;

  // four weeks of practice (weeks ago -> homerooms that practised that week)
  const rooms = homerooms(SIZES);
  const pick = (f) => rooms.filter(f).flatMap((r) => r.ids);
  const A12 = (r) => r.school === 'sA' && r.grade === '03' && r.index === 0;
  const plan = [
    [3, pick((r) => A12(r) || r.school === 'sB')],
    [2, [...pick(A12).slice(0, 5), ...pick((r) => r.school === 'sB').slice(0, 20)]],
    [1, pick((r) => A12(r) || (r.school === 'sA' && r.grade === '04' && r.index === 0) || (r.school === 'sB' && r.index === 0 && r.grade === '03'))],
    [0, pick((r) => A12(r) || r.school === 'sB')],
  ];
  const auth = statementWriter(db);
  const now = Date.now();
  for (const [ago, ids] of plan) {
    // a Monday-to-Sunday week: mid-week, or now for this week (never in the future)
    await practise(srv.url, auth, ids, { when: new Date(ago ? now - ago * 7 * 86400000 : now - 60000) });
  }
  const want = plan.reduce((n, [, ids]) => n + ids.length, 0);
  // the follower files them within a second or two
  for (let i = 0; i < 150; i++) {
    const d = (await staff.district_admin.req(`/api/v1/districts/${districtId}/overview?weeks=5`)).body;
    if (d.trend.reduce((n, p) => n + (p.active || 0), 0) === want) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

async function open(role, lang, path) {
  const opened = await openPage(browser, srv.url, { lang });
  await opened.context.addCookies([{ name: 'trellis_session', value: staff[role].cookies.trellis_session, url: srv.url }]);
  await opened.page.goto(`${srv.url}${path}`);
  await settle(opened.page);
  await chartsDrawn(opened.page);
  return opened;
}

async function api(role, path) {
  const r = await staff[role].req(path);
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.body;
}

// The charts are drawn after the page has settled (they need its width): wait for them.
async function chartsDrawn(page) {
  await page.waitForFunction(() => {
    const canvases = [...document.querySelectorAll('.school-chart canvas')];
    return canvases.every((c) => window.Chart?.getChart(c));
  }, null, { timeout: 10000 });
}

// Both widths of one page: full checks at 1280 px, then again at 360 px.
async function checkBoth(page, name, lang) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await checkPage(page, name, { lang, width: 1280 });
  await page.setViewportSize({ width: 360, height: 800 });
  await checkPage(page, name, { lang, width: 360 });
  await page.setViewportSize({ width: 1280, height: 900 });
}

// A table's body as rows of cell texts (th first); id: its caption's.
function rowsOf(page, id) {
  return page.$$eval(`table:has(> caption#${id}) tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
}

// What a figures row says for a cell of the API (the same formatting as overview.js).
function expectedCells(c, lang) {
  const nf = (d) => new Intl.NumberFormat(lang, { maximumFractionDigits: d, minimumFractionDigits: 0 });
  if (c.suppressed) return [CATALOG[lang]['school.hidden'] + '*'];
  const pct = c.active_pct_range === '<5' ? fill(CATALOG[lang]['school.pct_below'], { pct: 5 })
    : c.active_pct_range === '>95' ? fill(CATALOG[lang]['school.pct_above'], { pct: 95 })
      : fill(CATALOG[lang]['school.pct'], { pct: c.active_pct });
  return [nf(0).format(c.students), nf(1).format(c.mastered_per_student), nf(1).format(c.growth_per_student), pct, nf(0).format(c.minutes_per_student)];
}

// The trend: the table says what the API says, and each chart draws it, a gap for a hidden week.
async function checkTrend(page, prefix, data, lang, what) {
  const rows = await rowsOf(page, `${prefix}-trend-t`);
  assert.equal(rows.length, data.trend.length, `${what}: one row per week`);
  data.trend.forEach((p, i) => {
    if (p.suppressed) assert.deepEqual(rows[i].slice(1), [CATALOG[lang]['school.hidden'] + '*'], `${what}: week ${p.week} hidden`);
    else assert.equal(rows[i][1], new Intl.NumberFormat(lang).format(p.active), `${what}: week ${p.week} active`);
  });
  const drawn = await page.$$eval('.school-chart canvas', (cs) => cs.map((c) => ({
    w: c.getBoundingClientRect().width, data: window.Chart.getChart(c).data.datasets[0].data,
  })));
  assert.equal(drawn.length, 3, `${what}: three charts`);
  for (const c of drawn) assert.ok(c.w > 100, `${what}: a chart ${c.w} px wide`);
  assert.deepEqual(drawn[0].data, data.trend.map((p) => (p.suppressed ? null : p.active)), `${what}: the chart of active students`);
  assert.deepEqual(drawn[1].data, data.trend.map((p) => (p.suppressed ? null : p.minutes_per_student)), `${what}: the chart of minutes`);
}

for (const lang of ['en', 'es']) {
  test(`district administrator, ${lang}: home links to the dashboards; the district's shows every school and grade and the trend`, async (t) => {
    if (why) return t.skip(why);
    const { context, page } = await open('district_admin', lang, '/');
    const link = await page.$(`main a[href="/district?id=${districtId}"]`);
    assert.ok(link, 'a link to the district overview on the home page');
    assert.equal((await link.textContent()).trim(), CATALOG[lang]['school.home_district']);
    for (const s of Object.values(schoolId)) assert.ok(await page.$(`main .tile a[href="/school?id=${s}"]`), `school ${s}'s tile opens its dashboard`);
    await checkPage(page, 'school-home-district_admin', { lang });

    await link.click();
    await page.waitForURL(`${srv.url}/district?id=${districtId}`);
    await settle(page);
    await chartsDrawn(page);
    const chartJs = page.responses.find((r) => new URL(r.url()).pathname === '/vendor/chart.min.js');
    assert.equal(chartJs?.status(), 200, 'Chart.js served by Trellis');
    const d = await api('district_admin', `/api/v1/districts/${districtId}/overview?weeks=12`);
    assert.equal(await page.textContent('h1'), d.district.name);
    const schools = await rowsOf(page, 'district-schools');
    assert.deepEqual(schools, d.schools.map((s) => [s.name, ...expectedCells(s, lang)]), 'the schools table is the API');
    const grades = await rowsOf(page, 'district-grades');
    assert.deepEqual(grades.map((r) => r.slice(1)), d.grades.map((g) => expectedCells(g, lang)), 'the grades table is the API');
    assert.ok(d.trend.some((p) => !p.suppressed && p.active === 25), 'two weeks ago: the district\'s 25 are shown');
    await checkTrend(page, 'district', d, lang, 'district');
    const rule = await page.textContent('#district-rule');
    assert.ok(rule.includes(fill(CATALOG[lang]['school.rule'], { n: 10 })), 'the rule is explained');
    await checkBoth(page, 'school-district', lang);

    // a school's name opens its dashboard; the school filter lists every school of the district
    await page.click(`table:has(> caption#district-schools) a[href="/school?id=${schoolId.sA}"]`);
    await page.waitForURL(`${srv.url}/school?id=${schoolId.sA}`);
    await settle(page);
    await chartsDrawn(page);
    assert.equal(await page.textContent('h1'), 'School A');
    assert.ok(await page.$(`main a[href="/district?id=${districtId}"]`), 'a way back to the district');
    assert.deepEqual(await page.$$eval('#f-id option', (os) => os.map((o) => o.textContent)), ['School A', 'School B']);
    await page.selectOption('#f-id', String(schoolId.sB));
    await page.click('.school-filters button[type=submit]');
    await page.waitForURL(new RegExp(`id=${schoolId.sB}`));
    await settle(page);
    await chartsDrawn(page);
    assert.equal(await page.textContent('h1'), 'School B');
    const b = await api('district_admin', `/api/v1/schools/${schoolId.sB}/overview?weeks=12`);
    await checkTrend(page, 'school', b, lang, 'school B');

    // the language switch redraws in place: the other language's texts, three charts (the old ones gone)
    const other = lang === 'en' ? 'es' : 'en';
    await page.click(`[data-switch-lang="${other}"]`);
    await page.waitForFunction((l) => document.documentElement.lang === l, other);
    await chartsDrawn(page);
    assert.equal(await page.textContent('#school-sum-h'), fill(CATALOG[other]['school.overview_of'], { name: 'School B' }));
    assert.equal(await page.evaluate(() => Object.keys(window.Chart.instances).length), 3, 'three live charts after the switch');
    await checkTrend(page, 'school', b, other, 'school B after the switch');
    await context.close();
  });

  test(`school administrator, ${lang}: school A's small classes are hidden, marked and explained; filters`, async (t) => {
    if (why) return t.skip(why);
    const { context, page } = await open('school_admin', lang, '/');
    const tile = await page.$(`main .tile a[href="/school?id=${schoolId.sA}"]`);
    assert.ok(tile, 'the school tile opens its dashboard');
    assert.equal(await page.$('main a[href^="/district"]'), null, 'no district link for a school administrator');
    await tile.click();
    await page.waitForURL(`${srv.url}/school?id=${schoolId.sA}`);
    await settle(page);
    await chartsDrawn(page);
    const s = await api('school_admin', `/api/v1/schools/${schoolId.sA}/overview?weeks=12`);
    assert.equal(await page.textContent('h1'), 'School A');
    const rows = await rowsOf(page, 'school-table');
    const want = s.grades.flatMap((g) => [[g.grade, ...expectedCells(g, lang)], ...g.classes.map((c) => [c.title, ...expectedCells(c, lang)])]);
    assert.deepEqual(rows.map((r) => r.slice(1)), want.map((r) => r.slice(1)), 'the grade and class table is the API');
    const g3 = s.grades.find((g) => g.grade === '03');
    const hidden = g3.classes.filter((c) => c.suppressed);
    assert.equal(hidden.length, 2, 'the class of 7 and its complement are hidden');
    for (const c of hidden) {
      const row = rows.find((r) => r[0] === c.title);
      assert.deepEqual(row.slice(1), [CATALOG[lang]['school.hidden'] + '*'], `${c.title}: the mark, and no figure`);
    }
    // the mark explains itself: its link names the question and leads to the rule
    const mark = await page.$('table:has(> caption#school-table) .school-hidden-cell a');
    assert.equal(await mark.getAttribute('aria-label'), CATALOG[lang]['school.why_hidden']);
    await mark.click();
    assert.equal(new URL(page.url()).hash, '#school-rule');
    assert.ok(await page.$eval('#school-rule', (el) => el.getBoundingClientRect().top < innerHeight), 'the explanation is in view');
    // two weeks ago only 5 of the school's students practised: that week is hidden
    assert.ok(s.trend.some((p) => p.suppressed), 'a hidden week in the trend');
    await checkTrend(page, 'school', s, lang, 'school A');
    await checkBoth(page, 'school-school', lang);

    // by keyboard: from the filters' button, Tab reaches the table (a scrolling region, with a
    // focus ring), then the first hidden cell's mark, and Enter on it leads to the rule
    await page.goto(`${srv.url}/school?id=${schoolId.sA}`);
    await settle(page);
    await page.focus('.school-filters button[type=submit]');
    await page.keyboard.press('Tab');
    const region = await page.evaluate(() => {
      const el = document.activeElement;
      return { role: el.getAttribute('role'), label: el.getAttribute('aria-labelledby'), outline: getComputedStyle(el).outlineStyle };
    });
    assert.deepEqual(region, { role: 'region', label: 'school-table', outline: 'solid' }, 'Tab: the table, with a visible focus');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), CATALOG[lang]['school.why_hidden']);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#school-rule$/);

    // filters: grade 4, the last 4 weeks
    await page.selectOption('#f-grade', '04');
    await page.selectOption('#f-weeks', '4');
    await page.click('.school-filters button[type=submit]');
    await page.waitForURL(/grade=04/);
    await settle(page);
    await chartsDrawn(page);
    const u = new URL(page.url());
    assert.equal(u.searchParams.get('weeks'), '4');
    const g4 = await rowsOf(page, 'school-table');
    const s4 = s.grades.find((g) => g.grade === '04');
    assert.deepEqual(g4.map((r) => r[0]), [g4[0][0], ...s4.classes.map((c) => c.title)], 'only grade 4 and its classes');
    const s4w = await api('school_admin', `/api/v1/schools/${schoolId.sA}/overview?weeks=4`);
    await checkTrend(page, 'school', s4w, lang, 'school A, 4 weeks');
    assert.equal(await page.$eval('#f-grade', (e) => e.value), '04', 'the filter shows what is chosen');
    await checkPage(page, 'school-school-filtered', { lang });

    // another school, and the district: not this person's
    for (const path of [`/school?id=${schoolId.sB}`, `/district?id=${districtId}`]) {
      await page.goto(`${srv.url}${path}`);
      await settle(page);
      assert.equal(await page.textContent('#status'), CATALOG[lang]['errors.not_found'], `${path}: not found`);
      assert.equal(await page.$('.school-table'), null, `${path}: no figures`);
    }
    await context.close();
  });
}
