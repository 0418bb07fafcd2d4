// Devices and hotspots (issue 13): the staff page /devices, in English and Spanish at 1280
// and 360 px, with zero axe-core violations and no CSP violation (screenshots in
// tests/browser/artifacts/devices-*); the scanner-friendly bulk check-out: a class chosen, two
// asset tags typed into one field each followed by Enter (as a barcode scanner does), the
// focus staying in the field, each tag shown with the student it goes to, one button lending
// both; a tag scanned back in; the district administrator sees every school.
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
let adminLogin, districtLogin;
let api; // the API as the school administrator
let district;

before(async () => {
  if (!hasChromium) {
    why = NO_CHROMIUM;
    return;
  }
  srv = await demoServer();
  why = srv.noDemo || (await identityMissing(srv));
  if (why) return;
  adminLogin = srv.logins.find((l) => l.role === 'school_admin');
  districtLogin = srv.logins.find((l) => l.role === 'district_admin');
  api = new Client(srv.url);
  assert.equal((await api.login(adminLogin)).status, 200);
  district = (await api.req('/api/v1/me')).body.district.id;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

const skipIf = () => (why ? { skip: why } : {});

async function devicesPage(login, lang, width) {
  const { context, page } = await openPage(browser, srv.url, { lang, width });
  await loginWithPassword(page, srv.url, login);
  await page.goto(`${srv.url}/devices`);
  await settle(page);
  await page.waitForSelector('#dev-inv-body table');
  return { context, page };
}

test('the page in English and Spanish, 1280 and 360 px: axe, CSP, targets, reflow; the demo inventory and overdue hotspots shown', skipIf(), async () => {
  for (const lang of ['en', 'es']) {
    for (const width of [1280, 360]) {
      const { context, page } = await devicesPage(adminLogin, lang, width);
      const C = CATALOG[lang];
      assert.equal(await page.textContent('h1'), C['devices.heading']);
      assert.equal(await page.textContent('#dev-class-h span'), C['devices.class_heading']);
      // the demo: devices in the inventory, hotspots overdue, each status a word (1.4.1)
      assert.ok((await page.$$('#dev-inv-body tbody tr')).length > 10);
      assert.ok((await page.$$('#dev-overdue-body tbody tr')).length > 0, 'the demo has overdue hotspots');
      const statuses = await page.$$eval('#dev-inv-body .badge', (els) => [...new Set(els.map((e) => e.textContent))]);
      for (const s of statuses) assert.ok(Object.keys(C).some((k) => (k.startsWith('devices.status.') || k === 'devices.overdue') && C[k] === s), s);
      await checkPage(page, 'devices-school-admin', { lang, width });
      await context.close();
    }
  }
});

test('bulk check-out by scanning: one tag per Enter, the focus stays, then one button; a tag scanned back in', skipIf(), async () => {
  // a homeroom of the school: two of its students bring their devices back first (API)
  const school = (await api.req('/api/v1/me')).body.schools[0].id;
  const classes = (await api.req(`/api/v1/schools/${school}/devices/classes`)).body.classes;
  const cls = classes.find((c) => c.type === 'homeroom');
  const roster = (await api.req(`/api/v1/classes/${cls.id}/devices`)).body.students;
  const lent = roster.filter((s) => s.devices.length).slice(0, 2).map((s) => s.devices[0].asset_tag);
  assert.equal(lent.length, 2);
  for (const tag of lent) {
    const r = await api.req(`/api/v1/districts/${district}/devices/check-in`, { method: 'POST', json: { asset_tag: tag } });
    assert.equal(r.status, 200, r.text);
  }
  for (const lang of ['es', 'en']) {
    const C = CATALOG[lang];
    const free = (await api.req(`/api/v1/classes/${cls.id}/devices`)).body.students.filter((s) => !s.devices.length);
    const { context, page } = await devicesPage(adminLogin, lang, 1280);
    await page.selectOption('#dev-class', String(cls.id));
    await page.waitForSelector('#dev-scan');
    await page.focus('#dev-scan');
    for (const tag of lent) {
      await page.keyboard.type(tag);
      await page.keyboard.press('Enter');
      // the scanner's next tag goes into the same field (2.1.1, a scanner is a keyboard)
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'dev-scan');
      assert.equal(await page.inputValue('#dev-scan'), '');
    }
    const shown = await page.$$eval('#dev-scanned li', (els) => els.map((e) => e.textContent));
    assert.equal(shown.length, 2);
    assert.ok(shown[0].includes(lent[0]) && shown[0].includes(free[0].name), shown[0]);
    assert.ok(shown[1].includes(lent[1]) && shown[1].includes(free[1].name), shown[1]);
    assert.equal(await page.textContent('#dev-checkout'), C['devices.check_out_n'].other.replace('{count}', '2'));
    await checkPage(page, 'devices-scanned', { lang, width: 1280 });
    if (lang === 'en') {
      // the English run lends them and scans one back; the Spanish run only looks
      await page.click('#dev-checkout');
      await page.waitForFunction(() => document.getElementById('dev-scan-done')?.textContent.trim().length > 0);
      assert.equal((await page.textContent('#dev-scan-done')).trim(), C['devices.checked_out'].other.replace('{count}', '2'));
      const after = (await api.req(`/api/v1/classes/${cls.id}/devices`)).body.students;
      assert.deepEqual(after.find((s) => s.id === free[0].id).devices.map((d) => d.asset_tag), [lent[0]]);
      assert.deepEqual(after.find((s) => s.id === free[1].id).devices.map((d) => d.asset_tag), [lent[1]]);
      // a tag scanned twice is said so, and nothing is added
      await page.focus('#dev-scan');
      await page.keyboard.type('XYZ-1');
      await page.keyboard.press('Enter');
      await page.keyboard.type('XYZ-1');
      await page.keyboard.press('Enter');
      assert.equal((await page.$$('#dev-scanned li')).length, 1);
      // a bad tag: the server refuses, the reason is shown, nothing is lent (3.3.1)
      await page.click('#dev-checkout');
      await page.waitForFunction(() => document.getElementById('dev-scan-error')?.textContent.trim().length > 0);
      assert.match(await page.textContent('#dev-scan-error'), /XYZ-1/);
      // scanned back in
      await page.focus('#dev-in-tag');
      await page.keyboard.type(lent[0]);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.getElementById('dev-in-msg')?.textContent.trim().length > 0);
      assert.ok((await page.textContent('#dev-in-msg')).includes(lent[0]));
      const back = (await api.req(`/api/v1/classes/${cls.id}/devices`)).body.students;
      assert.deepEqual(back.find((s) => s.id === free[0].id).devices, []);
    }
    await context.close();
  }
});

test('the district administrator: every school, then one', skipIf(), async () => {
  const { context, page } = await devicesPage(districtLogin, 'en', 1280);
  const options = await page.$$eval('#dev-school option', (els) => els.map((e) => e.value));
  assert.equal(options[0], '0');
  assert.ok(options.length >= 3);
  assert.match(await page.textContent('#dev-class-body'), new RegExp(CATALOG.en['devices.choose_school_first'].slice(0, 20)));
  await checkPage(page, 'devices-district-admin', { lang: 'en', width: 1280 });
  await page.selectOption('#dev-school', options[1]);
  await page.waitForSelector('#dev-class');
  await settle(page);
  await context.close();
});
