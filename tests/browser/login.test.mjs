// Logging in through the pages, against the real server with the demo district
// (`trellis init --demo --logins FILE`): by password, by second factor (the TOTP is
// computed from the secret in the logins file, RFC 6238), by QR login card (its URL
// and its typed short code), keyboard only, with announced errors, throttling with
// its countdown, TOTP enrolment with recovery codes, and logging out.
// WCAG 2.2 criteria are cited at each check (https://www.w3.org/TR/WCAG22/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, trellis } from '../e2e/lib/trellis.mjs';
import {
  hasChromium, NO_CHROMIUM, launch, demoServer, identityMissing, openPage, checkPage,
  settle, freshTotp, base32Decode, totpAt, loginWithPassword, cspViolations, CATALOG, screenshotPath,
  fakeBarcodeDetector,
} from './lib/browser.mjs';

let srv;
let browser;
let why = null; // why the tests cannot run here, or null

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
  await browser?.close();
  await srv?.cleanup();
});

// A login of one of these roles, from the demo logins file (the nth of its role
// when there are several, so tests log in as different people: a TOTP step is
// accepted once per account).
function pick(roles, opts = {}) {
  for (const r of roles) {
    const all = (srv.logins || []).filter((l) => l.role === r && (opts.withTotp === undefined || !!l.totp_secret === opts.withTotp));
    if (all.length) return all[Math.min(opts.nth || 0, all.length - 1)];
  }
  return null;
}

function fill(template, vars) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

async function me(page) {
  const r = await page.request.get(`${srv.url}/api/v1/me`);
  return r.status() === 200 ? r.json() : null;
}

test('password login shows the home page; logging out ends the session', async (t) => {
  if (why) return t.skip(why);
  const login = pick(['guardian', 'student', 'teacher']);
  const { context, page } = await openPage(browser, srv.url, { lang: 'en' });
  await loginWithPassword(page, srv.url, login);
  const who = await me(page);
  assert.ok(who, 'logged in');
  assert.equal(who.username, login.username);
  assert.equal(await page.textContent('h1'), fill(CATALOG.en['home.welcome'], { name: who.name || who.username }));
  assert.match(await page.textContent('#who'), new RegExp(who.name || who.username), 'the header says who is logged in (a shared phone)');
  // switching the language while logged in is remembered for the account too
  await page.click('[data-switch-lang]');
  await page.waitForFunction(() => document.documentElement.lang === 'es');
  await page.waitForLoadState('networkidle');
  const session = (await context.cookies()).filter((c) => c.name !== 'lang').map((c) => `${c.name}=${c.value}`).join('; ');
  const bare = await request(srv.url, '/api/v1/me', { headers: { cookie: session } });
  assert.equal(bare.body?.lang, 'es', 'GET /api/v1/me without a lang cookie or Accept-Language reports the account\'s choice');
  await page.click('[data-switch-lang]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.waitForLoadState('networkidle');
  await page.click('[data-logout]');
  await page.waitForURL(/\/login\?bye=1$/);
  await settle(page);
  assert.equal(await page.textContent('#login-status'), CATALOG.en['login.bye']);
  assert.equal(await me(page), null, 'the session is gone');
  await page.goto(`${srv.url}/`);
  await page.waitForURL(/\/login\?next=%2F$/);
  assert.deepEqual(await cspViolations(page), []);
  await context.close();
});

test('a wrong password is announced, focused and marked on the fields', async (t) => {
  if (why) return t.skip(why);
  const login = pick(['teacher', 'guardian', 'student']);
  const { context, page } = await openPage(browser, srv.url, { lang: 'es', width: 360 });
  await page.goto(`${srv.url}/login`);
  await settle(page);
  await page.fill('#username', login.username);
  await page.fill('#password', login.password + 'x');
  await page.press('#password', 'Enter');
  await page.waitForFunction(() => document.getElementById('announce').textContent !== '');
  // 3.3.1 Error Identification and 4.1.3 Status Messages, in the page's language
  assert.equal(await page.textContent('#announce'), CATALOG.es['errors.invalid_credentials']);
  assert.equal(await page.textContent('#login-error'), CATALOG.es['errors.invalid_credentials']);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
  assert.equal(await page.inputValue('#password'), '', 'the wrong password is cleared');
  assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
  await checkPage(page, 'login-error', { lang: 'es', width: 360 });
  await context.close();
});

test('second factor: a staff login asks for the code, refuses a wrong one, accepts the TOTP', async (t) => {
  if (why) return t.skip(why);
  const login = pick(['school_admin', 'district_admin', 'counsellor', 'teacher'], { withTotp: true });
  if (!login) return t.skip('no login with a TOTP secret in the demo logins file');
  const { context, page } = await openPage(browser, srv.url, { lang: 'en' });
  await page.goto(`${srv.url}/login`);
  await settle(page);
  await page.fill('#username', login.username);
  await page.fill('#password', login.password);
  await page.click('#pw-form button[type=submit]');
  await page.waitForSelector('#tf-step:not([hidden])');
  assert.ok(await page.isHidden('#pw-step'), 'the password step is put away (3.3.7: not asked again)');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'totp', 'focus moves to the code field');
  await checkPage(page, 'login-second-factor', { lang: 'en', width: 1280 });
  const good = await freshTotp(login.totp_secret);
  const key = base32Decode(login.totp_secret);
  const now = Date.now() / 1000;
  const nearby = new Set([-1, 0, 1].map((d) => totpAt(key, now + 30 * d)));
  let wrong = '000000';
  while (nearby.has(wrong)) wrong = String(Number(wrong) + 1).padStart(6, '0');
  await page.fill('#totp', wrong);
  await page.press('#totp', 'Enter');
  await page.waitForFunction(() => document.getElementById('login-error').textContent !== '');
  assert.equal(await page.textContent('#login-error'), CATALOG.en['login.bad_code']);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'totp');
  await page.fill('#totp', good);
  await page.press('#totp', 'Enter');
  await page.waitForURL(`${srv.url}/`);
  assert.equal((await me(page))?.username, login.username);
  await context.close();
});

test('keyboard only: log in with password and second factor using Tab, typing and Enter', async (t) => {
  if (why) return t.skip(why);
  // 2.1.1 Keyboard: no pointer at all
  const login = pick(['counsellor', 'district_admin', 'teacher'], { withTotp: true }) || pick(['guardian', 'student']);
  const { context, page } = await openPage(browser, srv.url, { lang: 'es' });
  await page.goto(`${srv.url}/login`);
  await settle(page);
  await page.keyboard.press('Tab'); // the skip link (2.4.1)
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'username');
  await page.keyboard.type(login.username);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
  await page.keyboard.type(login.password);
  await page.keyboard.press('Enter');
  await Promise.race([page.waitForURL(`${srv.url}/`), page.waitForSelector('#tf-step:not([hidden])')]);
  if (page.url() !== `${srv.url}/`) {
    assert.equal(await page.evaluate(() => document.activeElement.id), 'totp');
    await page.keyboard.type(await freshTotp(login.totp_secret));
    await page.keyboard.press('Enter');
    await page.waitForURL(`${srv.url}/`);
  }
  await settle(page);
  // and on the home page, the keyboard reaches log out
  let found = false;
  for (let i = 0; i < 12 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement.hasAttribute('data-logout'));
  }
  assert.ok(found, 'log out is reachable by Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/login\?bye=1$/);
  await context.close();
});

test('QR login card: its URL logs the student in, its short code too, and a revoked card stops', async (t) => {
  if (why) return t.skip(why);
  const teacher = pick(['teacher']);
  if (!teacher) return t.skip('no teacher in the demo logins file');
  const { context, page } = await openPage(browser, srv.url, { lang: 'en' });
  await loginWithPassword(page, srv.url, teacher);
  const home = await (await page.request.get(`${srv.url}/api/v1/home`)).json();
  const cls = home.classes.find((c) => c.students > 0) || home.classes[0];
  await page.goto(`${srv.url}/cards?class=${cls.id}`);
  await settle(page);
  const cards = await (await page.request.get(`${srv.url}/api/v1/classes/${cls.id}/cards`)).json();
  assert.ok(cards.cards.length >= 2, 'the class has at least two students');
  const [first, second] = cards.cards;
  // what a phone's camera app opens: the card's URL, on this server
  const u = new URL(first.url);
  assert.equal(u.pathname, '/card');
  const phone = await openPage(browser, srv.url, { lang: 'es', width: 360 });
  await phone.page.goto(`${srv.url}/card${u.hash}`);
  await phone.page.waitForURL(`${srv.url}/`);
  await settle(phone.page);
  const student = await me(phone.page);
  assert.equal(student?.id, first.student.id, 'logged in as the card\'s student');
  assert.ok(student.roles.includes('student'));
  assert.equal(await phone.page.textContent('h1'), fill(CATALOG.es['home.welcome'], { name: student.name }));
  const history = await phone.page.evaluate(() => location.href);
  assert.ok(!history.includes(u.hash.slice(1)), 'the secret is not left in the address');
  await phone.context.close();
  // the short code typed on the login page
  const typed = await openPage(browser, srv.url, { lang: 'en', width: 360 });
  await typed.page.goto(`${srv.url}/login`);
  await settle(typed.page);
  await typed.page.fill('#card-code', second.code);
  await typed.page.press('#card-code', 'Enter');
  await typed.page.waitForURL(`${srv.url}/`);
  assert.equal((await me(typed.page))?.id, second.student.id);
  await typed.context.close();
  // the teacher revokes the first card: it no longer logs anyone in
  page.on('dialog', (d) => d.accept());
  await page.click(`[data-revoke="${first.student.id}"]`);
  await page.waitForFunction(() => document.getElementById('revoke-status').textContent !== '');
  assert.equal(await page.textContent('#revoke-status'), fill(CATALOG.en['cards.revoked'], { name: first.student.name }));
  const lost = await openPage(browser, srv.url, { lang: 'en' });
  await lost.page.goto(`${srv.url}/card${u.hash}`);
  await lost.page.waitForFunction(() => document.getElementById('card-error').textContent !== '');
  assert.equal(await lost.page.textContent('#card-error'), CATALOG.en['login.bad_card']);
  assert.equal(await me(lost.page), null);
  await lost.context.close();
  await context.close();
});

test('camera: where the browser has BarcodeDetector, scanning a card logs the student in', async (t) => {
  if (why) return t.skip(why);
  const teacher = pick(['teacher'], { nth: 1 });
  if (!teacher) return t.skip('no teacher in the demo logins file');
  const { context, page } = await openPage(browser, srv.url, { lang: 'en' });
  await loginWithPassword(page, srv.url, teacher);
  const home = await (await page.request.get(`${srv.url}/api/v1/home`)).json();
  const cls = home.classes.find((c) => c.students > 0) || home.classes[0];
  const cards = await (await page.request.get(`${srv.url}/api/v1/classes/${cls.id}/cards`)).json();
  const card = cards.cards[cards.cards.length - 1];
  await context.close();
  // a phone with a camera (Chromium's fake camera device, permission granted)
  const cam = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
  try {
    const phone = await openPage(cam, srv.url, { lang: 'es', width: 360 });
    await fakeBarcodeDetector(phone.page, card.url);
    await phone.page.goto(`${srv.url}/login`);
    await settle(phone.page);
    assert.ok(await phone.page.isVisible('#scan-start'), 'the scan button is offered where BarcodeDetector reads QR codes');
    await phone.page.click('#scan-start');
    await phone.page.waitForURL(`${srv.url}/`);
    assert.equal((await me(phone.page))?.id, card.student.id);
    assert.deepEqual(await cspViolations(phone.page), []);
    await phone.context.close();
  } finally {
    await cam.close();
  }
});

test('TOTP enrolment: scan the otpauth QR (or type the key), confirm, keep the recovery codes', async (t) => {
  if (why) return t.skip(why);
  const login = pick(['guardian', 'student'], { withTotp: false });
  if (!login) return t.skip('no login without a second factor in the demo logins file');
  const { context, page } = await openPage(browser, srv.url, { lang: 'en' });
  await loginWithPassword(page, srv.url, login);
  await page.goto(`${srv.url}/totp`);
  await settle(page);
  await checkPage(page, 'totp-start', { lang: 'en', width: 1280 });
  await page.click('#begin');
  await page.waitForSelector('#step-scan:not([hidden])');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scan-h', 'focus moves to the new step');
  const alt = await page.getAttribute('#qr img', 'alt');
  assert.equal(alt, CATALOG.en['totp.qr_alt']);
  assert.match(await page.getAttribute('#otpauth', 'href'), /^otpauth:\/\/totp\//);
  const secret = (await page.textContent('#secret')).replace(/\s+/g, '');
  await checkPage(page, 'totp-scan', { lang: 'en', width: 1280 });
  await page.fill('#code', await freshTotp(secret));
  await page.press('#code', 'Enter');
  await page.waitForSelector('#step-codes:not([hidden])');
  const codes = await page.$$eval('#codes li', (li) => li.map((x) => x.textContent.trim()));
  assert.ok(codes.length >= 5, `recovery codes shown (${codes.length})`);
  await checkPage(page, 'totp-codes', { lang: 'en', width: 1280 });
  // next time, a recovery code works in place of the TOTP
  await page.goto(`${srv.url}/login`);
  await settle(page);
  await page.click('[data-logout]');
  await page.waitForURL(/bye=1/);
  await settle(page);
  await page.fill('#username', login.username);
  await page.fill('#password', login.password);
  await page.click('#pw-form button[type=submit]');
  await page.waitForSelector('#tf-step:not([hidden])');
  await page.fill('#totp', codes[0]);
  await page.press('#totp', 'Enter');
  await page.waitForURL(`${srv.url}/`);
  assert.equal((await me(page))?.username, login.username);
  await context.close();
});

test('a staff account without its required second factor can only set it up, then sees its home', async (t) => {
  if (why) return t.skip(why);
  const own = await demoServer();
  try {
    const admin = own.logins.find((l) => l.role === 'school_admin');
    const r = trellis(['admin', 'reset-totp', '--db', own.db, '--username', admin.username]);
    assert.equal(r.status, 0, r.stderr);
    const { context, page } = await openPage(browser, own.url, { lang: 'es', width: 360 });
    await page.goto(`${own.url}/login`);
    await settle(page);
    await page.fill('#username', admin.username);
    await page.fill('#password', admin.password);
    await page.click('#pw-form button[type=submit]');
    await page.waitForURL(`${own.url}/`);
    await settle(page);
    assert.match(await page.textContent('main'), new RegExp(CATALOG.es['home.mfa_needed_title']));
    assert.equal(await page.$('main .tile'), null, 'no schools before the second factor');
    await checkPage(page, 'home-enrol-first', { lang: 'es', width: 360 });
    await page.click('main a[href="/totp"]');
    await page.waitForURL(/\/totp$/);
    await settle(page);
    await page.click('#begin');
    await page.waitForSelector('#step-scan:not([hidden])');
    const secret = (await page.textContent('#secret')).replace(/\s+/g, '');
    await page.fill('#code', await freshTotp(secret));
    await page.press('#code', 'Enter');
    await page.waitForSelector('#step-codes:not([hidden])');
    await page.click('#step-codes a[href="/"]');
    await page.waitForURL(`${own.url}/`);
    await settle(page);
    assert.ok(await page.$('main .tile'), 'the schools, once the second factor is set up');
    await context.close();
  } finally {
    await own.cleanup();
  }
});

test('a fresh second factor when the server asks for one: the code is asked on the page, then it goes on', async (t) => {
  if (why) return t.skip(why);
  // A student who set up TOTP and then logs in with a login card has no fresh second
  // factor; changing the authenticator then needs one (the bulk-export tripwire asks
  // the same way, after many records within an hour).
  const student = pick(['student']);
  const teacher = pick(['teacher']);
  if (!student || !teacher) return t.skip('needs a student and a teacher in the demo logins file');
  const s = await openPage(browser, srv.url, { lang: 'en' });
  await loginWithPassword(s.page, srv.url, student);
  const studentId = (await me(s.page)).id;
  await s.page.goto(`${srv.url}/totp`);
  await settle(s.page);
  await s.page.click('#begin');
  await s.page.waitForSelector('#step-scan:not([hidden])');
  const secret = (await s.page.textContent('#secret')).replace(/\s+/g, '');
  await s.page.fill('#code', await freshTotp(secret));
  await s.page.press('#code', 'Enter');
  await s.page.waitForSelector('#step-codes:not([hidden])');
  await s.context.close();
  // the student's login card, from a teacher of one of their classes
  const tp = await openPage(browser, srv.url, { lang: 'en' });
  await loginWithPassword(tp.page, srv.url, teacher);
  const home = await (await tp.page.request.get(`${srv.url}/api/v1/home`)).json();
  let card = null;
  for (const c of home.classes) {
    const cards = await (await tp.page.request.get(`${srv.url}/api/v1/classes/${c.id}/cards`)).json();
    card = cards.cards.find((x) => x.student.id === studentId);
    if (card) break;
  }
  await tp.context.close();
  if (!card) return t.skip('the demo student is in none of the first teacher\'s classes');
  const { context, page } = await openPage(browser, srv.url, { lang: 'es', width: 360 });
  await page.goto(`${srv.url}/card${new URL(card.url).hash}`);
  await page.waitForURL(`${srv.url}/`);
  await page.goto(`${srv.url}/totp`);
  await settle(page);
  await page.click('#begin');
  await page.waitForSelector('#stepup');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'stepup-code', 'focus goes to the code field');
  assert.equal(await page.textContent('#stepup h2'), CATALOG.es['stepup.heading']);
  await checkPage(page, 'stepup', { lang: 'es', width: 360 });
  await page.fill('#stepup-code', '12345');
  await page.press('#stepup-code', 'Enter');
  await page.waitForFunction(() => document.getElementById('stepup-err').textContent !== '');
  assert.equal(await page.textContent('#stepup-err'), CATALOG.es['login.bad_code']);
  assert.equal(await page.getAttribute('#stepup-err', 'role'), 'alert');
  await page.fill('#stepup-code', await freshTotp(secret));
  await page.press('#stepup-code', 'Enter');
  await page.waitForSelector('#step-scan:not([hidden])');
  assert.equal(await page.$('#stepup'), null, 'the panel is gone once the code was taken');
  await context.close();
});

test('throttling: "try again in N seconds" counts down, is announced once, and blocks sending', async (t) => {
  if (why) return t.skip(why);
  // a server of its own (the throttle also counts this client's address) that
  // throttles after 2 failures; each failure past that doubles the wait (1 s, 2 s, 4 s...)
  const own = await demoServer({ env: { TRELLIS_LOGIN_MAX_FAILURES: '2' } });
  try {
    const login = own.logins.find((l) => l.role === 'student' || l.role === 'guardian') || own.logins[0];
    const { context, page } = await openPage(browser, own.url, { lang: 'es', width: 360 });
    await page.goto(`${own.url}/login`);
    await settle(page);
    let sent = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/session') && r.method() === 'POST') sent++;
    });
    const disabled = async () => (await page.getAttribute('#pw-form button[type=submit]', 'aria-disabled')) === 'true';
    const shownSeconds = async () => Number((/(\d+)/.exec(await page.textContent('#login-error')) || [])[1]);
    let waitedOut = false;
    let n1 = 0;
    for (let i = 0; i < 12; i++) {
      if (await disabled()) {
        n1 = await shownSeconds();
        if (n1 >= 4) break;
        // a short wait: let it run out, and check the page says so (then fail again)
        await page.waitForFunction(() => !document.querySelector('#pw-form button[aria-disabled]'), null, { timeout: (n1 + 3) * 1000 });
        assert.equal(await page.textContent('#login-status'), CATALOG.es['login.try_now']);
        assert.equal(await page.textContent('#login-error'), '', 'the countdown is put away when it ends');
        waitedOut = true;
      }
      await page.fill('#username', login.username);
      await page.fill('#password', `wrong password ${i}`);
      const before = sent;
      await page.click('#pw-form button[type=submit]');
      await page.waitForFunction(() => document.getElementById('login-error').textContent !== '');
      assert.equal(sent, before + 1);
    }
    assert.ok(waitedOut, 'a short wait ran out first');
    assert.ok(n1 >= 4, `the server asked for a wait of several seconds (${n1})`);
    assert.equal(await page.textContent('#login-error'), fill(CATALOG.es['errors.too_many_requests'].other, { count: n1 }));
    await page.waitForFunction(() => document.getElementById('announce').textContent !== '');
    const announced = await page.textContent('#announce');
    assert.match(announced, /\d+/, '4.1.3: the wait is announced (role=alert)');
    await page.screenshot({ path: screenshotPath('login-throttled-es-360'), fullPage: true });
    await page.waitForTimeout(2200);
    const n2 = await shownSeconds();
    assert.ok(n2 < n1, `the countdown goes down (${n1} -> ${n2})`);
    assert.equal(await page.textContent('#announce'), announced, 'the announcement is not repeated every second');
    // the button says it is unavailable (aria-disabled keeps it focusable); Enter in a
    // field still submits the form, and the page sends nothing but says how long is left
    const before = sent;
    await page.press('#password', 'Enter');
    await page.waitForTimeout(300);
    assert.equal(sent, before, 'nothing is sent while waiting');
    assert.match(await page.textContent('#login-error'), /\d+/);
    await checkPage(page, 'login-throttled', { lang: 'es', width: 360 });
    await context.close();
  } finally {
    await own.cleanup();
  }
});
