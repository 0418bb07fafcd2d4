// The teacher views (issue 12, "Teacher") in a browser, on the demo district with two weeks
// of simulated practice: the class view (flags, heat map, groups, progress chart, CSV), a
// student's view and a skill's view, each in English and Spanish at 1280 and 360 px with
// zero axe violations and no CSP violation (screenshots in tests/browser/artifacts). The heat
// map is used with the keyboard alone: Tab reaches it at one cell, the arrow keys, Home, End,
// Ctrl+Home, Ctrl+End and Page Down move as the ARIA grid pattern says, Tab leaves it and
// Shift+Tab comes back to the same cell, Enter opens the student at that skill; filtering and
// sorting change the rows as the API's numbers say; the chart is drawn by Chart.js served by
// Trellis (no other origin is asked for anything) and its numbers are in a table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasChromium, NO_CHROMIUM, launch, openPage, checkPage, settle, loginWithPassword, screenshotPath, CATALOG } from './lib/browser.mjs';
import { startServer, trellis, tempDir } from '../e2e/lib/trellis.mjs';

let srv;
let browser;
let why = null;
let session;
let cls; // the class shown: the teacher's first mathematics class
let view; // its GET /api/v1/classes/{id}/mastery

before(async () => {
  if (!hasChromium) {
    why = NO_CHROMIUM;
    return;
  }
  // the demo district with two weeks of practice, so the views have something to show
  const dir = tempDir('trellis-browser-teach-');
  const loginsFile = join(dir, 'logins.json');
  const init = trellis(['init', '--db', join(dir, 'trellis.db'), '--demo', '--logins', loginsFile, '--history-weeks', '2'], { timeout: 300000 });
  assert.equal(init.status, 0, init.stderr);
  srv = await startServer({ dir, init: false });
  const logins = JSON.parse(readFileSync(loginsFile, 'utf8'));
  const login = logins.find((l) => l.role === 'teacher');
  browser = await launch();
  const first = await openPage(browser, srv.url, { lang: 'en' });
  await loginWithPassword(first.page, srv.url, login);
  session = await first.context.storageState();
  const home = await (await first.page.request.get(`${srv.url}/api/v1/home`)).json();
  // a mathematics class (the demo's history is mathematics practice); one read, as every
  // read of a class counts its students toward the bulk-export tripwire (500 an hour)
  cls = home.classes.find((c) => /math/i.test(c.title)) || home.classes[0];
  const r = await first.page.request.get(`${srv.url}/api/v1/classes/${cls.id}/mastery`);
  assert.equal(r.status(), 200);
  view = await r.json();
  await first.context.close();
  assert.ok(view.skills.length >= 2 && view.students.length >= 3, 'a class with practice to show');
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

async function opened(lang, path) {
  const o = await openPage(browser, srv.url, { lang, storageState: session });
  const others = [];
  o.page.on('request', (r) => {
    if (!r.url().startsWith(srv.url) && !r.url().startsWith('data:')) others.push(r.url());
  });
  o.others = others;
  await o.page.goto(`${srv.url}${path}`);
  await settle(o.page);
  return o;
}

async function checkBoth(page, name, lang) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await checkPage(page, name, { lang, width: 1280 });
  await page.setViewportSize({ width: 360, height: 800 });
  await checkPage(page, name, { lang, width: 360 });
  await page.setViewportSize({ width: 1280, height: 900 });
}

const skillName = (k, lang) => k.name?.[lang] || k.name?.en;

for (const lang of ['en', 'es']) {
  const C = CATALOG[lang];
  test(`the class view in ${lang}: flags, heat map, groups, chart and export`, async (t) => {
    if (why) return t.skip(why);
    const { page, context, others } = await opened(lang, `/teach?class=${cls.id}`);
    assert.equal(await page.textContent('h1'), view.class.title);
    // the grid: a row per student, a column per skill, in the pack's language
    const grid = page.locator('table[role=grid]');
    assert.equal(await grid.locator('tbody tr').count(), view.students.length);
    const heads = await grid.locator('thead th.teach-skill-h').allTextContents();
    assert.deepEqual(heads, view.skills.map((k) => skillName(k, lang)));
    // a cell says its status in words (for screen readers) and with a symbol, not colour alone
    const s0 = [...view.students].sort((a, b) => a.family_name.localeCompare(b.family_name) || a.name.localeCompare(b.name))[0];
    const row = grid.locator('tbody tr').first();
    assert.equal((await row.locator('th').textContent()).replace(/\u2691.*$/, '').trim(), s0.name);
    const firstCell = s0.cells[0];
    const word = C[`teach.status.${firstCell ? firstCell.status : 'not_started'}`];
    assert.ok((await row.locator('td').first().textContent()).includes(word), `the first cell names its status (${word})`);
    // flags: every flagged student is listed, with as many flags as the API gives
    const flagged = view.students.filter((s) => s.flags.length);
    assert.equal(await page.locator('.teach-flags > li').count(), flagged.length);
    assert.equal(await page.locator('.teach-flags .teach-flag').count(), flagged.reduce((a, s) => a + s.flags.length, 0));
    // groups as the API suggests them
    assert.equal(await page.locator('.teach-group').count(), view.groups.length);
    // the progress chart, drawn by Chart.js from /vendor, and its table
    await page.waitForFunction(() => !!window.Chart && !!document.querySelector('.teach-chart canvas'));
    assert.equal(await page.locator('.teach-chart canvas').getAttribute('role'), 'img');
    const rows = await page.locator('#progress-h ~ details table tbody tr').count();
    assert.equal(rows, view.progress.weeks.length);
    assert.deepEqual(others, [], 'nothing is loaded from another origin');
    await checkBoth(page, 'teach-class', lang);
    // the heat map on a phone: it scrolls sideways in its own box, the names stay in view
    await page.setViewportSize({ width: 360, height: 800 });
    await page.locator('table[role=grid] tbody tr').nth(2).locator('td').nth(3).scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath(`teach-heatmap-${lang}-360`) });
    await page.setViewportSize({ width: 1280, height: 900 });
    // the export: a CSV of every student x skill
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('.teach-actions a[download]')]);
    const csv = readFileSync(await dl.path(), 'utf8').split('\r\n').filter(Boolean);
    assert.match(csv[0], /^student_id,student,grade,skill_id,/);
    assert.equal(csv.length, 1 + view.students.length * view.skills.length);
    await context.close();
  });

  test(`a student's view and a skill's view in ${lang}`, async (t) => {
    if (why) return t.skip(why);
    const s = [...view.students].sort((a, b) => b.flags.length - a.flags.length || b.time_on_task_ms - a.time_on_task_ms)[0];
    const st = await opened(lang, `/teach-student?class=${cls.id}&student=${s.id}`);
    assert.equal(await st.page.textContent('h1'), s.name);
    assert.equal(await st.page.locator('#flags-h ~ .teach-flags .teach-flag').count(), s.flags.length);
    await st.page.waitForFunction(() => document.querySelectorAll('.teach-chart canvas').length === 2);
    assert.ok((await st.page.locator('.teach-timeline li').count()) > 0, 'a timeline');
    await checkBoth(st.page, 'teach-student', lang);
    await st.context.close();

    const k = [...view.skills].sort((a, b) => b.counts.stuck + b.counts.in_progress - (a.counts.stuck + a.counts.in_progress))[0];
    const sk = await opened(lang, `/teach-skill?class=${cls.id}&skill=${k.id}`);
    assert.equal(await sk.page.textContent('h1'), skillName(k, lang));
    for (const [status, n] of Object.entries(k.counts))
      assert.equal(await sk.page.locator(`#st-${status} + * tbody tr, #st-${status} + ul li`).count(), n, `${status}: ${n} students`);
    await checkBoth(sk.page, 'teach-skill', lang);
    await sk.context.close();
  });
}

test('the heat map with the keyboard alone', async (t) => {
  if (why) return t.skip(why);
  const { page, context } = await opened('en', `/teach?class=${cls.id}`);
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      const cell = el.closest('td, th');
      const tr = cell?.parentElement;
      if (!cell || !tr.closest('table[role=grid]')) return { tag: el.tagName, text: el.textContent.trim().slice(0, 40) };
      return { r: [...tr.parentElement.parentElement.rows].indexOf(tr), c: [...tr.cells].indexOf(cell), tag: el.tagName };
    });
  // Tab from the top of the page: the grid is one tab stop, at its first data cell
  await page.locator('body').focus();
  let f;
  for (let i = 0; i < 150; i++) {
    await page.keyboard.press('Tab');
    f = await focused();
    if (f.r !== undefined) break;
  }
  assert.deepEqual(f, { r: 1, c: 1, tag: 'TD' }, 'Tab reaches the grid at its first data cell');
  const nRows = view.students.length + 1;
  const nCols = view.skills.length + 1;
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await focused(), { r: 1, c: 2, tag: 'TD' });
  await page.keyboard.press('ArrowDown');
  assert.deepEqual(await focused(), { r: 2, c: 2, tag: 'TD' });
  await page.keyboard.press('Home');
  assert.deepEqual(await focused(), { r: 2, c: 0, tag: 'A' }, 'Home: the row header (its link)');
  await page.keyboard.press('End');
  assert.deepEqual(await focused(), { r: 2, c: nCols - 1, tag: 'TD' });
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  assert.deepEqual(await focused(), { r: 0, c: nCols - 1, tag: 'A' }, 'the column header (its link to the skill)');
  await page.keyboard.press('ArrowUp');
  assert.deepEqual(await focused(), { r: 0, c: nCols - 1, tag: 'A' }, 'the edge stops the focus');
  await page.keyboard.press('Control+End');
  assert.deepEqual(await focused(), { r: nRows - 1, c: nCols - 1, tag: 'TD' });
  await page.keyboard.press('Control+Home');
  assert.deepEqual(await focused(), { r: 0, c: 0, tag: 'TH' }, 'Ctrl+Home: the corner');
  await page.keyboard.press('PageDown');
  assert.deepEqual(await focused(), { r: Math.min(5, nRows - 1), c: 0, tag: 'A' });
  await page.keyboard.press('ArrowRight');
  await page.screenshot({ path: screenshotPath('teach-keyboard-focus-en'), fullPage: false });
  const here = await focused();
  // exactly one tab stop in the grid: Tab leaves it, Shift+Tab comes back to the same cell
  assert.equal(await page.locator('table[role=grid] [tabindex="0"]').count(), 1);
  await page.keyboard.press('Tab');
  assert.equal((await focused()).r, undefined, 'Tab leaves the grid');
  await page.keyboard.press('Shift+Tab');
  assert.deepEqual(await focused(), here, 'Shift+Tab returns to the cell last used');
  // filter and sort with the keyboard: the controls are before the grid
  await page.focus('#heat-filter');
  await page.keyboard.press('ArrowDown'); // "Students with a flag"
  const flagged = view.students.filter((s) => s.flags.length).length;
  await page.waitForFunction((n) => document.querySelectorAll('table[role=grid] tbody tr').length === n || (n === 0 && !document.querySelector('table[role=grid]')), flagged);
  assert.match(await page.textContent('#heat-count'), new RegExp(`Showing ${flagged} of ${view.students.length}`));
  await page.selectOption('#heat-filter', 'all');
  await page.selectOption('#heat-sort', 'mastered_desc');
  const most = Math.max(...view.students.map((s) => s.mastered));
  const topName = (await page.locator('table[role=grid] tbody tr th').first().textContent()).replace(/\u2691.*$/, '').trim();
  assert.equal(view.students.find((s) => s.name === topName).mastered, most, 'most skills mastered first');
  await page.fill('#heat-q', topName.slice(0, 4).toLowerCase());
  assert.ok((await page.locator('table[role=grid] tbody tr').count()) >= 1);
  assert.ok((await page.locator('table[role=grid] tbody tr th').allTextContents()).every((n) => n.toLowerCase().includes(topName.slice(0, 4).toLowerCase())));
  await page.fill('#heat-q', '');
  // Enter on a cell opens that student's view at that skill
  await page.selectOption('#heat-sort', 'name');
  await page.locator('table[role=grid] [tabindex="0"]').focus();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowRight');
  // down to the first student who has started the first skill
  const started = await page.evaluate(() => [...document.querySelectorAll('table[role=grid] tbody tr')].findIndex((tr) => !tr.cells[1].classList.contains('teach-c-not_started')));
  assert.ok(started >= 0, 'someone has started the first skill');
  for (let i = 0; i <= started; i++) await page.keyboard.press('ArrowDown');
  const cell = await page.evaluate(() => document.activeElement.dataset.href);
  await Promise.all([page.waitForURL((u) => u.pathname === '/teach-student'), page.keyboard.press('Enter')]);
  assert.equal(new URL(page.url()).pathname + new URL(page.url()).search + new URL(page.url()).hash, cell);
  await settle(page);
  const skillId = /#skill-(\d+)$/.exec(cell)[1];
  assert.equal(await page.inputValue('#curve-skill'), skillId, 'the curve shown is that skill');
  await context.close();
});
