// Assignments (issue 12): the teacher's page for a class's assignments and the student's
// "Assigned to you" on their home page, in English and Spanish at 1280 and 360 px, with
// zero axe-core violations and no CSP violation (screenshots in tests/browser/artifacts);
// giving an assignment to chosen students, then deleting it, by keyboard alone; the
// school administrator sees the list without the form.
// WCAG 2.2 criteria are cited at each check (https://www.w3.org/TR/WCAG22/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../e2e/lib/auth.mjs';
import {
  hasChromium, NO_CHROMIUM, launch, demoServer, identityMissing, openPage, checkPage, settle, loginWithPassword, CATALOG,
} from './lib/browser.mjs';

let srv;
let browser;
let why = null;
let teacherLogin;
let teacher; // the API, as the demo teacher
let cls; // the demo teacher's mathematics class (the one with the demo's assignments)

before(async () => {
  if (!hasChromium) {
    why = NO_CHROMIUM;
    return;
  }
  srv = await demoServer();
  why = srv.noDemo || (await identityMissing(srv));
  if (why) return;
  teacherLogin = srv.logins.find((l) => l.role === 'teacher' && !l.totp_secret);
  teacher = new Client(srv.url);
  assert.equal((await teacher.login(teacherLogin)).status, 200);
  const home = (await teacher.req('/api/v1/home')).body;
  for (const c of home.classes) {
    const r = await teacher.req(`/api/v1/classes/${c.id}/assignments`);
    if (r.status === 200 && r.body.assignments.length) {
      cls = r.body;
      break;
    }
  }
  assert.ok(cls, 'the demo teacher has a class with assignments');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

const skipIf = () => (why ? { skip: why } : {});

async function teacherPage(lang, width) {
  const { context, page } = await openPage(browser, srv.url, { lang, width });
  await loginWithPassword(page, srv.url, teacherLogin);
  await page.goto(`${srv.url}/assignments?class=${cls.class.id}`);
  await settle(page);
  await page.waitForSelector('#asg-form');
  return { context, page };
}

// Tab (or Shift+Tab) until the focused element matches selector; fails after 200 presses.
async function tabTo(page, selector, key = 'Tab') {
  for (let i = 0; i < 200; i++) {
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press(key);
  }
  assert.fail(`${selector} never took the focus`);
}

const focusedId = (page) => page.evaluate(() => document.activeElement?.id || '');

test('the teacher page in English and Spanish, 1280 and 360 px: axe, CSP, targets, reflow, completion per student', skipIf(), async () => {
  for (const lang of ['en', 'es']) {
    for (const width of [1280, 360]) {
      const { context, page } = await teacherPage(lang, width);
      const C = CATALOG[lang];
      // every open assignment of the demo is listed, with its completion per student
      const shown = await page.$$eval('.asg-item', (els) => els.length);
      assert.equal(shown, cls.assignments.length);
      assert.equal(await page.textContent('#asg-new-h'), C['assign.new_heading']);
      // the per-student tables open (the table is then checked by axe as well)
      for (const s of await page.$$('.asg-detail > summary')) await s.click();
      const rows = await page.$$eval('.asg-table tbody tr', (els) => els.length);
      assert.equal(rows, cls.assignments.reduce((n, a) => n + a.progress.length, 0));
      // statuses are words with a symbol, never colour alone (1.4.1)
      const statuses = await page.$$eval('.asg-table .asg-status', (els) => [...new Set(els.map((e) => e.textContent))]);
      for (const s of statuses)
        assert.ok(['mastered', 'in_progress', 'not_started'].some((k) => C[`assign.status.${k}`] === s) || s === C['assign.inactive'], s);
      await checkPage(page, 'assign-teacher', { lang, width });
      await context.close();
    }
  }
});

test('giving an assignment to two chosen students, then deleting it, by keyboard alone (2.1.1, 2.4.3, 4.1.3)', skipIf(), async () => {
  const { context, page } = await teacherPage('en', 1280);
  const before = (await teacher.req(`/api/v1/classes/${cls.class.id}/assignments`)).body;
  // a school day at least a week away, typed as the en-US date field wants it (MMDDYYYY)
  let d = new Date(`${before.today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 7);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
  const due = d.toISOString().slice(0, 10);
  const [y, m, dd] = due.split('-');

  await page.focus('body');
  await tabTo(page, '#asg-who-class');
  await page.keyboard.press('ArrowDown'); // the radio group: "Chosen students"
  assert.equal(await focusedId(page), 'asg-who-students');
  assert.ok(await page.isVisible('#asg-students'), 'the student list shows once "Chosen students" is picked');
  const picked = before.students.slice(0, 2);
  for (const s of picked) {
    await tabTo(page, `#student-${s.id}`);
    await page.keyboard.press('Space');
  }
  const skills = (await teacher.req(`/api/v1/classes/${cls.class.id}/assignments/skills`)).body.skills;
  const skill = skills.find((s) => s.grade === 3 && !before.assignments.some((a) => a.state === 'open' && a.skills.some((x) => x.iri === s.iri)));
  const skillId = `skill-${skill.iri.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  await tabTo(page, `#${skillId}`);
  await page.keyboard.press('Space');
  await tabTo(page, '#asg-due');
  await page.keyboard.type(`${m}${dd}${y}`);
  assert.equal(await page.inputValue('#asg-due'), due);
  await tabTo(page, '#asg-note');
  await page.keyboard.type('Keyboard only.');
  await tabTo(page, '#asg-form button[type=submit]');
  await page.keyboard.press('Enter');

  // the new assignment is there, for those two, and the focus is on its heading
  await page.waitForFunction(() => /^asg-\d+-h$/.test(document.activeElement?.id || ''));
  const after = (await teacher.req(`/api/v1/classes/${cls.class.id}/assignments`)).body;
  const made = after.assignments.find((a) => !before.assignments.some((b) => b.id === a.id));
  assert.ok(made, 'a new assignment');
  assert.equal(await focusedId(page), `asg-${made.id}-h`);
  assert.deepEqual(made.skills.map((s) => s.iri), [skill.iri]);
  assert.equal(made.due_date, due);
  assert.equal(made.whole_class, false);
  assert.deepEqual([...made.students].sort((a, b) => a - b), picked.map((s) => s.id).sort((a, b) => a - b));
  assert.equal(made.note, 'Keyboard only.');
  assert.equal(made.completion.students, 2);
  // said in the status region (4.1.3)
  await page.waitForFunction((t) => document.getElementById('flash').textContent === t, CATALOG.en['assign.created'].replace('{skills}', skill.name));
  // the form is empty again
  assert.equal(await page.inputValue('#asg-due'), '');

  // a later due date, typed; then closed. Neither reads the students' progress again (the
  // page updates what it holds: no more disclosures than needed)
  const lists = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' && /\/api\/v1\/classes\/\d+\/assignments(\?|$)/.test(r.url())) lists.push(r.url());
  });
  d.setUTCDate(d.getUTCDate() + 7);
  const due2 = d.toISOString().slice(0, 10);
  const [y2, m2, d2] = due2.split('-');
  await tabTo(page, `#asg-${made.id}-due`);
  await page.keyboard.type(`${m2}${d2}${y2}`);
  await tabTo(page, `#asg-${made.id}-due + button`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('flash').textContent !== '' && / is now due /.test(document.getElementById('flash').textContent));
  assert.equal((await teacher.req(`/api/v1/classes/${cls.class.id}/assignments`)).body.assignments.find((a) => a.id === made.id).due_date, due2);
  await page.waitForFunction((id) => document.activeElement?.id === `asg-${id}-h`, made.id);
  await tabTo(page, `#asg-${made.id}-close`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.querySelector(`#asg-closed-h ~ ul #asg-${id}-h`), made.id);
  assert.equal((await teacher.req(`/api/v1/classes/${cls.class.id}/assignments`)).body.assignments.find((a) => a.id === made.id).state, 'closed');

  // delete it: the button asks first, the confirmation takes the focus
  await tabTo(page, `#asg-${made.id}-delete`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => document.activeElement?.id === `asg-${id}-confirm`, made.id);
  await tabTo(page, `.asg-danger`);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'asg-list-h');
  const last = (await teacher.req(`/api/v1/classes/${cls.class.id}/assignments`)).body;
  assert.equal(last.assignments.find((a) => a.id === made.id), undefined);
  assert.equal(last.assignments.length, before.assignments.length);
  assert.deepEqual(lists, [], 'moving, closing and deleting do not read the list again');
  await context.close();
});

test('a form with no skill, or due on a weekend, says so in the page\'s language and saves nothing (3.3.1)', skipIf(), async () => {
  const { context, page } = await teacherPage('es', 1280);
  const n = (await teacher.req(`/api/v1/classes/${cls.class.id}/assignments`)).body.assignments.length;
  await page.click('#asg-form button[type=submit]');
  assert.equal(await page.textContent('#asg-form-error'), CATALOG.es['assign.err_skills']);
  // a skill, and the next Saturday
  await page.check('input[name=skill]');
  const d = new Date(`${cls.today}T00:00:00Z`);
  do d.setUTCDate(d.getUTCDate() + 1);
  while (d.getUTCDay() !== 6);
  await page.fill('#asg-due', d.toISOString().slice(0, 10));
  await page.click('#asg-form button[type=submit]');
  assert.equal(await page.textContent('#asg-form-error'), CATALOG.es['assign.err_due_weekend']);
  assert.equal(await focusedId(page), 'asg-due', 'the field to fix takes the focus');
  assert.equal((await teacher.req(`/api/v1/classes/${cls.class.id}/assignments`)).body.assignments.length, n);
  await context.close();
});

test("the student's home page says what is assigned and by when, in English and Spanish", skipIf(), async () => {
  const student = srv.logins.find((l) => l.role === 'student');
  const mine = new Client(srv.url);
  assert.equal((await mine.login(student)).status, 200);
  const expect = (await mine.req('/api/v1/me/assignments?lang=en')).body.assignments;
  assert.ok(expect.length, 'the demo student has an open assignment');
  for (const lang of ['en', 'es']) {
    for (const width of [1280, 360]) {
      const { context, page } = await openPage(browser, srv.url, { lang, width });
      await loginWithPassword(page, srv.url, student);
      await page.waitForSelector('.asg-mine:not([hidden])');
      assert.equal(await page.textContent('#asg-mine-h'), CATALOG[lang]['assign.mine_heading']);
      assert.equal(await page.$$eval('.asg-mine-item', (els) => els.length), expect.length);
      await checkPage(page, 'assign-student-home', { lang, width });
      await context.close();
    }
  }
});

test('a school administrator sees the assignments and completion, without the form', skipIf(), async () => {
  const admin = srv.logins.find((l) => l.role === 'school_admin');
  const { context, page } = await openPage(browser, srv.url, { lang: 'en', width: 1280 });
  await loginWithPassword(page, srv.url, admin);
  await page.goto(`${srv.url}/assignments?class=${cls.class.id}`);
  await settle(page);
  await page.waitForSelector('.asg-item');
  assert.equal(await page.$('#asg-form'), null);
  assert.ok((await page.textContent('#content')).includes(CATALOG.en['assign.only_teachers']));
  await checkPage(page, 'assign-admin', { lang: 'en', width: 1280 });
  await context.close();
});
