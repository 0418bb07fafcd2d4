// The home-connectivity survey (issue 13) a family answers on a phone: 360 px, in English
// and Spanish, no account, with a code from the link. Zero axe-core violations (WCAG 2.2 AA)
// and no CSP violation in each state (the questions, answers missing, a used code, thanks);
// the follow-up questions appear only when they apply; what the first load moves is
// measured (a weak connection). Screenshots: tests/browser/artifacts/survey-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../e2e/lib/auth.mjs';
import {
  hasChromium, NO_CHROMIUM, launch, openPage, checkPage, settle, CATALOG, pageWeight, writeArtifact, demoServer, loginWithPassword,
} from './lib/browser.mjs';

let srv, browser, admin, schoolId, classId;
let why = null;
const codes = [];

before(async () => {
  if (!hasChromium) {
    why = NO_CHROMIUM;
    return;
  }
  srv = await demoServer();
  if (srv.noDemo) {
    why = srv.noDemo;
    return;
  }
  admin = new Client(srv.url);
  assert.equal((await admin.login(srv.logins.find((l) => l.role === 'school_admin'))).status, 200);
  const people = await admin.req('/api/v1/me');
  schoolId = people.body.schools?.[0]?.id ?? null;
  const student = new Client(srv.url, '10.40.0.2');
  assert.equal((await student.login(srv.logins.find((l) => l.role === 'student'))).status, 200);
  classId = (await student.req('/api/v1/home')).body.classes[0].id;
  if (!schoolId) schoolId = (await student.req('/api/v1/home')).body.classes[0].school?.id;
  const r = await admin.req(`/api/v1/schools/${schoolId}/survey-codes`, { method: 'POST', json: { class_id: classId } });
  assert.equal(r.status, 201, r.text);
  codes.push(...r.body.codes);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

for (const [i, lang] of ['en', 'es'].entries()) {
  test(`the survey in ${lang} at 360 px: by the link, follow-up questions, missing answers, thanks`, async (t) => {
    if (why) return t.skip(why);
    const cat = CATALOG[lang];
    const { context, page } = await openPage(browser, srv.url, { lang, width: 360, height: 780 });
    try {
      const code = codes[i];
      await page.goto(`${srv.url}${code.link}`);
      await page.waitForSelector('#answer-step:not([hidden]) .survey-q');
      await settle(page);
      assert.equal(new URL(page.url()).hash, '', 'the code is taken out of the address');
      const w = await pageWeight(page);
      writeArtifact(`survey-weight-${lang}.txt`, `${w.requests} requests, ${w.bytes} bytes\n${w.rows.join('\n')}\n`);
      assert.ok(w.bytes <= 64 * 1024, `the survey moved ${w.bytes} bytes`);
      assert.equal(await page.textContent('h1'), cat['survey.heading']);
      // only the first questions are asked until they are answered
      const shown = async () => page.$$eval('.survey-q:not([hidden])', (fs) => fs.map((f) => f.id));
      assert.deepEqual(await shown(), ['q-device_type', 'q-internet_type']);
      await checkPage(page, 'survey-questions', { lang, width: 360 });

      // a phone, shared; no internet: asked who gave it, whether shared, and why no internet
      await page.click('label[for="device_type-smartphone"]');
      await page.click('label[for="internet_type-none"]');
      assert.deepEqual(await shown(), ['q-device_type', 'q-device_provider', 'q-device_shared', 'q-internet_type', 'q-barrier']);
      await page.click('#answer-step button[type="submit"]');
      await page.waitForSelector('#answer-errors:not([hidden])');
      const errs = await page.$$eval('.survey-q[aria-invalid="true"]', (fs) => fs.map((f) => f.id));
      assert.deepEqual(errs, ['q-device_provider', 'q-device_shared', 'q-barrier']);
      assert.equal(await page.textContent('#e-barrier'), cat['survey.choose']);
      await checkPage(page, 'survey-missing', { lang, width: 360 });

      // answered by keyboard: focus a choice, the arrows move within the group
      await page.focus('#device_provider-school');
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.$eval('#device_provider-personal', (e) => e.checked), true);
      await page.click('label[for="device_shared-shared"]');
      await page.click('label[for="barrier-not_affordable"]');
      assert.equal(await page.$$eval('.survey-q[aria-invalid="true"]', (fs) => fs.length), 0, 'the marks go as the answers come');
      await page.click('#answer-step button[type="submit"]');
      await page.waitForSelector('#done-step:not([hidden])');
      assert.equal(await page.isVisible('#done-help'), true, 'told the school may help');
      await checkPage(page, 'survey-thanks', { lang, width: 360 });

      // the staff see it, in the family's language
      const s = await admin.req(`/api/v1/users/${code.student}/connectivity`);
      assert.deepEqual(s.body.answers[0].answers, { lang, device_type: 'smartphone', device_provider: 'personal', device_shared: 'shared', internet_type: 'none', barrier: 'not_affordable' });

      // the same link again (a new load, not a jump within the page): the code is used,
      // and the page says so in words
      await page.goto('about:blank');
      await page.goto(`${srv.url}${code.link}`);
      await page.waitForFunction(() => document.getElementById('code-error').textContent !== '');
      assert.equal(await page.textContent('#code-error'), cat['survey.code_used']);
      assert.equal(await page.getAttribute('#code', 'aria-invalid'), 'true');
      await checkPage(page, 'survey-used', { lang, width: 360 });
    } finally {
      await context.close();
    }
  });
}

test('the survey opened without a code asks for it, and a typed code works', async (t) => {
  if (why) return t.skip(why);
  const { context, page } = await openPage(browser, srv.url, { lang: 'es', width: 360, height: 780 });
  try {
    await page.goto(`${srv.url}/survey.html`);
    await page.waitForSelector('#code');
    await settle(page);
    await page.click('#code-step button[type="submit"]');
    assert.equal(await page.textContent('#code-error'), CATALOG.es['survey.code_missing']);
    await page.fill('#code', 'abcde-fghjk');
    await page.click('#code-step button[type="submit"]');
    await page.waitForFunction((m) => document.getElementById('code-error').textContent === m, CATALOG.es['survey.code_unknown']);
    await checkPage(page, 'survey-code', { lang: 'es', width: 360 });
    await page.fill('#code', codes[2].code.toLowerCase());
    await page.click('#code-step button[type="submit"]');
    await page.waitForSelector('#answer-step:not([hidden])');
    assert.equal(await page.isVisible('#code-step'), false);
  } finally {
    await context.close();
  }
});

// ---- the staff page (connectivity.html), as the school's administrator ----

let staffSession = null;
async function asStaff(lang, width) {
  if (!staffSession) {
    const first = await openPage(browser, srv.url, { lang });
    await loginWithPassword(first.page, srv.url, srv.logins.find((l) => l.role === 'school_admin'));
    staffSession = await first.context.storageState();
    await first.context.close();
  }
  const opened = await openPage(browser, srv.url, { lang, width, height: 900, storageState: staffSession });
  // from the home page's school tile, as a school administrator finds it
  await opened.page.goto(`${srv.url}/`);
  await opened.page.click(`a[href="/connectivity?id=${schoolId}"]`);
  await opened.page.waitForSelector('.conn-summary');
  await settle(opened.page);
  return opened;
}

for (const [lang, width] of [['en', 1280], ['es', 1280], ['es', 360]]) {
  test(`the staff page in ${lang} at ${width} px: the demo's answers, codes, a referral's next step, a session`, async (t) => {
    if (why) return t.skip(why);
    const cat = CATALOG[lang];
    const { context, page } = await asStaff(lang, width);
    try {
      const school = (await admin.req(`/api/v1/schools/${schoolId}/connectivity`)).body;
      assert.equal(await page.textContent('h1'), cat['conn.heading']);
      const nums = await page.$$eval('.conn-summary strong', (ss) => ss.map((s) => s.textContent.replace(/\D/g, '')));
      assert.equal(nums[0], String(school.summary.students));
      assert.ok(school.summary.answered > school.summary.students / 2, 'the demo families have answered');
      assert.ok(school.summary.without_adequate_connection > 0, 'some students lack a connection');
      assert.equal(await page.$$eval('#students-h ~ .table-wrap tbody tr', (rs) => rs.length), school.students.length);
      await checkPage(page, 'connectivity', { lang, width });

      // codes for the students with no answer yet, shown once
      await page.click('#codes-form button[type="submit"]');
      await page.waitForSelector('.conn-codes tbody tr');
      const shown = await page.$$eval('.conn-codes tbody tr td:nth-child(3)', (ts) => ts.map((x) => x.textContent));
      assert.ok(shown.length >= 1 && shown.every((c) => /^[A-Z2-9]{5}-[A-Z2-9]{5}$/.test(c)));
      await checkPage(page, 'connectivity-codes', { lang, width });

      // a referral's next step, by its row's form
      const row = page.locator('#ref-h ~ .table-wrap tbody tr').filter({ has: page.locator('form.conn-step') }).first();
      const next = await row.locator('select').inputValue();
      const drawn = async () => Number(await page.getAttribute('#content', 'data-rendered'));
      let n = await drawn();
      await row.locator('button').click();
      await page.waitForFunction((k) => Number(document.getElementById('content').dataset.rendered) > k, n);
      assert.equal(await page.textContent('#ref-msg'), cat['conn.step_done'].replace('{status}', cat[`conn.status.${next}`]));
      // a session added
      n = await drawn();
      await page.fill('#ses-title', `Chromebook basics ${lang} ${width}`);
      await page.click('#ses-form button[type="submit"]');
      await page.waitForFunction((k) => Number(document.getElementById('content').dataset.rendered) > k, n);
      assert.ok((await page.textContent('#ses-h ~ .table-wrap')).includes(`Chromebook basics ${lang} ${width}`), 'the new session is listed');
      await checkPage(page, 'connectivity-after', { lang, width });
    } finally {
      await context.close();
    }
  });
}
