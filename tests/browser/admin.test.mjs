// Administration in the browser (web/admin*.html, web/js/admin.js; the account page's
// password and recovery codes): each page in English and Spanish with zero axe
// violations, no CSP violation, reflow at 320 px and a screenshot kept as an artifact;
// and one action per page done through the page as a person would: unlock a login and
// give a new password (shown once), upload a bad roster .zip and see every error as
// file:line:column (nothing imported), then a good one and its report, add an API
// client and see its secret once (then revoke it), verify the audit chain and read a
// student's record of access, read the settings (the secret hidden); the actions'
// entries are then read on the audit page. A school administrator sees only what is
// theirs; everyone changes their own password on the account page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasChromium, NO_CHROMIUM, launch, demoServer, identityMissing, openPage, checkPage, settle, loginWithPassword, freshTotp } from './lib/browser.mjs';
import { request, sqlShell } from '../e2e/lib/trellis.mjs';

let srv;
let browser;
let why = null;
const sessions = new Map();

before(async () => {
  if (!hasChromium) {
    why = NO_CHROMIUM;
    return;
  }
  // the tests change sessions behind the server's back (sqlShell): no session cache, so that
  // the server reads them again at once (a real change through the server clears it anyway)
  srv = await demoServer({ env: { TRELLIS_SESSION_CACHE_MS: '0' } });
  why = srv.noDemo || (await identityMissing(srv));
  if (!why) browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

const loginOf = (role) => srv.logins.find((l) => l.role === role);

// Each role logs in once through the login page; later pages reuse its session.
async function open(role, path, lang = 'en') {
  if (!sessions.has(role)) {
    const first = await openPage(browser, srv.url, { lang });
    await loginWithPassword(first.page, srv.url, loginOf(role));
    sessions.set(role, await first.context.storageState());
    await first.context.close();
  }
  const opened = await openPage(browser, srv.url, { lang, storageState: sessions.get(role) });
  await opened.page.goto(`${srv.url}${path}`);
  await settle(opened.page);
  return opened;
}

function makeZip(name, files) {
  const path = join(srv.dir, `${name}.zip`);
  const r = spawnSync('python3', ['-c', `import sys, json, zipfile
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
for name, text in json.loads(sys.stdin.read()).items():
    z.writestr(name, text)
z.close()`, path], { input: JSON.stringify(files), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  readFileSync(path);
  return path;
}
const USERS = 'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns';
const ROLES = 'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId';
const MANIFEST = 'propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.users,delta\nfile.roles,delta\n';
const WHEN = '2026-01-15T09:30:00.000Z';
function studentZip(name, rows) {
  const users = [USERS, ...rows.map((u) => `${u.sid},active,${WHEN},${u.enabled ?? 'true'},${u.sid},,${u.given},Upload,,,,,,,05,,,,,,sch-001,`)];
  const roles = [ROLES, ...rows.map((u) => `r-${u.sid},active,${WHEN},${u.sid},primary,student,,,sch-001,`)];
  return makeZip(name, { 'manifest.csv': MANIFEST, 'users.csv': users.join('\n') + '\n', 'roles.csv': roles.join('\n') + '\n' });
}
const uploaded = () => sqlShell(srv.db, "SELECT COUNT(*) FROM users WHERE sourced_id LIKE 'up-%'");

const PAGES = ['admin', 'admin-accounts', 'admin-roster', 'admin-clients', 'admin-audit', 'admin-settings'];

for (const lang of ['en', 'es']) {
  test(`district administrator: every administration page in ${lang}`, async (t) => {
    if (why) return t.skip(why);
    for (const p of PAGES) {
      const { page, context } = await open('district_admin', `/${p}`, lang);
      const links = await page.$$eval('#subnav a', (as) => as.map((a) => a.getAttribute('href')));
      assert.deepEqual(links, ['/admin', '/admin-accounts', '/admin-roster', '/admin-clients', '/admin-audit', '/admin-settings'], `${p}: the sub-navigation`);
      assert.equal(await page.getAttribute(`#subnav a[href="/${p}"]`, 'aria-current'), 'page');
      await checkPage(page, p, { lang, width: 1280 });
      if (p === 'admin-accounts' || p === 'admin-audit') {
        // on a phone: the tables scroll sideways in their own region, the page does not
        await page.setViewportSize({ width: 360, height: 800 });
        await checkPage(page, p, { lang, width: 360 });
      }
      await context.close();
    }
  });
}

test('the home page of an administrator links to the administration', async (t) => {
  if (why) return t.skip(why);
  const { page, context } = await open('district_admin', '/');
  await page.click('main a[href="/admin"]');
  await page.waitForURL(`${srv.url}/admin`);
  await settle(page);
  assert.equal(await page.locator('main .tile').count(), 5);
  await context.close();
});

test('accounts: unlock, a new password and a new login (each shown once), off and on, second factor reset', async (t) => {
  if (why) return t.skip(why);
  const tl = loginOf('teacher');
  for (let i = 0; i < 3; i++) {
    const r = await request(srv.url, '/api/v1/session', { method: 'POST', json: { username: tl.username, password: `wrong-guess-${i}` } });
    assert.equal(r.status, 401);
  }
  const { page, context } = await open('district_admin', '/admin-accounts');
  await page.fill('#acct-q', tl.username);
  await page.click('form[role=search] button[type=submit]');
  const row = page.locator(`tr[data-username="${tl.username}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /3 failed logins/);
  await row.locator('button[data-action=unlock]').click();
  await page.waitForSelector('#acct-result .admin-done');
  assert.match(await page.textContent('#acct-result'), /unlocked/);
  assert.doesNotMatch(await row.textContent(), /failed login/, 'the count is cleared');
  assert.equal(await row.locator('button[data-action=unlock]').count(), 0);
  await checkPage(page, 'admin-accounts-unlocked', { lang: 'en', width: 1280 });
  // a new password for a guardian: shown once, and it works
  const cl = loginOf('guardian');
  await page.fill('#acct-q', cl.username);
  await page.click('form[role=search] button[type=submit]');
  const crow = page.locator(`tr[data-username="${cl.username}"]`);
  await crow.waitFor();
  await crow.locator('button[data-action=password]').click();
  await page.waitForSelector('#acct-result .admin-secret');
  const made = (await page.textContent('#acct-result .admin-secret code.secret')).trim();
  assert.match(made, /^\S{4}-\S{4}-\S{4}-\S{4}$/);
  await checkPage(page, 'admin-accounts-password', { lang: 'en', width: 1280 });
  let r = await request(srv.url, '/api/v1/session', { method: 'POST', json: { username: cl.username, password: made } });
  assert.equal(r.status, 200, 'the new password works');
  // turned off, then on again
  await crow.locator('button[data-action=disable]').click();
  await page.waitForFunction(() => /turned off/.test(document.getElementById('acct-result').textContent));
  assert.match(await crow.textContent(), /Turned off/);
  r = await request(srv.url, '/api/v1/session', { method: 'POST', json: { username: cl.username, password: made } });
  assert.equal(r.status, 403, 'a login turned off');
  await crow.locator('button[data-action=enable]').click();
  await page.waitForFunction(() => /turned on again/.test(document.getElementById('acct-result').textContent));
  r = await request(srv.url, '/api/v1/session', { method: 'POST', json: { username: cl.username, password: made } });
  assert.equal(r.status, 200, 'on again');
  // a login for a student who has none: the username and a password made for them, shown once
  await page.fill('#acct-q', 'Abdi');
  await page.click('form[role=search] button[type=submit]');
  const give = page.locator('tr:has(button[data-action=login])', { hasText: /Student/ }).first();
  await give.waitFor();
  const username = await give.getAttribute('data-username');
  await give.locator('button[data-action=login]').click();
  await page.waitForSelector('#acct-result .admin-secret');
  const pw = (await page.textContent('#acct-result code.secret')).trim();
  assert.equal((await page.textContent('#acct-result .admin-secret code')).trim(), username.toLowerCase());
  r = await request(srv.url, '/api/v1/session', { method: 'POST', json: { username, password: pw } });
  assert.equal(r.status, 200, 'the student logs in with it');
  // the counsellor's second factor reset: they set it up again at their next login
  const co = loginOf('counsellor');
  await page.fill('#acct-q', co.username);
  await page.click('form[role=search] button[type=submit]');
  const corow = page.locator(`tr[data-username="${co.username}"]`);
  await corow.waitFor();
  assert.match(await corow.textContent(), /two-step verification on/);
  await corow.locator('button[data-action=mfa]').click();
  await page.waitForFunction(() => /verification is reset/.test(document.getElementById('acct-result').textContent));
  assert.doesNotMatch(await corow.textContent(), /two-step verification on/);
  await page.reload();
  await settle(page);
  const body = await page.textContent('body');
  assert.ok(!body.includes(made) && !body.includes(pw), 'no password is shown again');
  await context.close();
});

test('accounts: a second factor older than 15 minutes is asked for on the page, then the action is done; a person\'s actions in the log', async (t) => {
  if (why) return t.skip(why);
  const dl = loginOf('district_admin');
  const gl = loginOf('guardian');
  const { page, context } = await open('district_admin', '/admin-accounts');
  sqlShell(srv.db, `UPDATE sessions SET mfa_at = mfa_at - 1200000 WHERE ended_at IS NULL AND account_id = (SELECT id FROM accounts WHERE login = '${dl.username.toLowerCase()}')`);
  await page.fill('#acct-q', gl.username);
  await page.click('form[role=search] button[type=submit]');
  const row = page.locator(`tr[data-username="${gl.username}"]`);
  await row.waitFor();
  await row.locator('button[data-action=disable]').click();
  await page.waitForSelector('#stepup #stepup-code');
  await checkPage(page, 'admin-accounts-stepup', { lang: 'en', width: 1280 });
  await page.fill('#stepup-code', await freshTotp(dl.totp_secret));
  await page.click('#stepup button[type=submit]');
  await page.waitForFunction(() => /turned off/.test(document.getElementById('acct-result').textContent));
  await row.locator('button[data-action=enable]').click();
  await page.waitForFunction(() => /turned on again/.test(document.getElementById('acct-result').textContent));
  // what one person did: from their row to the log, filtered by their username
  await page.fill('#acct-q', dl.username);
  await page.click('form[role=search] button[type=submit]');
  const me = page.locator(`tr[data-username="${dl.username}"]`);
  await me.waitFor();
  await me.locator('a[href^="/admin-audit?actor="]').click();
  await page.waitForURL(/admin-audit\?actor=/);
  await settle(page);
  assert.equal(await page.inputValue('#audit-actor'), dl.username.toLowerCase());
  const who = await page.$$eval('#audit-log tbody tr', (rs) => rs.map((r) => r.children[1].textContent));
  assert.ok(who.length > 0 && who.every((w) => w.startsWith(dl.username.toLowerCase())), who.join(' '));
  assert.match(await page.textContent('#audit-log'), /account turned off/);
  await context.close();
});

test('roster: a bad .zip shows every error as file:line:column and imports nothing; a good one its report', async (t) => {
  if (why) return t.skip(why);
  for (const lang of ['en', 'es']) {
    const { page, context } = await open('district_admin', '/admin-roster', lang);
    await page.setInputFiles('#roster-file', studentZip(`bad-${lang}`, [{ sid: 'up-ok', given: 'Good' }, { sid: 'up-bad', given: 'Bad', enabled: 'maybe' }]));
    await page.click('main form button[type=submit]');
    await page.waitForSelector('#roster-report .admin-errors');
    const errors = await page.$$eval('#roster-report .admin-errors li', (ls) => ls.map((l) => l.textContent));
    assert.ok(errors.length >= 1);
    for (const e of errors) assert.match(e, /^[a-zA-Z]+\.csv:\d+:\d+: /);
    assert.ok(errors.some((e) => e.startsWith('users.csv:3:4: ')), errors.join('\n'));
    assert.equal(uploaded(), '0', 'nothing imported');
    await checkPage(page, 'admin-roster-errors', { lang, width: 1280 });
    await context.close();
  }
  const { page, context } = await open('district_admin', '/admin-roster');
  // no file chosen: the field says so
  await page.click('main form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('roster-file-err').textContent.length > 0);
  await page.setInputFiles('#roster-file', studentZip('good', [{ sid: 'up-ok', given: 'Good' }]));
  await page.click('main form button[type=submit]');
  await page.waitForSelector('#roster-report table');
  const users = await page.locator('#roster-report tr', { hasText: 'users.csv' }).textContent();
  assert.match(users, /Changes \(delta\)\s*1\s*1\s*0\s*0\s*0/);
  assert.equal(uploaded(), '1');
  await checkPage(page, 'admin-roster-report', { lang: 'en', width: 1280 });
  await context.close();
});

test('API clients: add one with its scopes, see the secret once, revoke it', async (t) => {
  if (why) return t.skip(why);
  const { page, context } = await open('district_admin', '/admin-clients');
  assert.match(await page.textContent('main'), /No API clients yet/);
  // nothing chosen: each field says what it needs, nothing is added
  await page.click('main form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('client-name-err').textContent.length > 0);
  await page.fill('#client-name', 'Reading app');
  await page.click('main form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('client-scopes-err').textContent.length > 0);
  await page.check('input[value="statements/read"]');
  await page.check('input[value="state"]');
  await page.click('main form button[type=submit]');
  await page.waitForSelector('#client-secret-value');
  const key = (await page.textContent('#client-key')).trim();
  const secret = (await page.textContent('#client-secret-value')).trim();
  assert.ok(key && secret.length >= 20);
  const row = page.locator(`tr[data-key="${key}"]`);
  await row.waitFor();
  assert.match(await row.textContent(), /statements\/read/);
  await checkPage(page, 'admin-clients-secret', { lang: 'en', width: 1280 });
  const V = { Authorization: 'Basic ' + Buffer.from(`${key}:${secret}`).toString('base64'), 'X-Experience-API-Version': '1.0.3' };
  assert.equal((await request(srv.url, '/xapi/statements', { headers: V })).status, 200, 'the client works');
  await page.reload();
  await settle(page);
  assert.ok(!(await page.textContent('body')).includes(secret), 'the secret is not shown again');
  await page.locator(`tr[data-key="${key}"] button[data-action=revoke]`).click();
  await page.waitForFunction((k) => /Revoked/.test(document.querySelector(`tr[data-key="${k}"]`)?.textContent || ''), key);
  assert.equal((await request(srv.url, '/xapi/statements', { headers: V })).status, 401, 'revoked');
  await context.close();
});

test('settings: the effective settings, the secret hidden', async (t) => {
  if (why) return t.skip(why);
  for (const lang of ['en', 'es']) {
    const { page, context } = await open('district_admin', '/admin-settings', lang);
    const names = await page.$$eval('main tbody tr', (rs) => rs.map((r) => r.dataset.name));
    assert.ok(names.includes('session_idle_min'), names.join(' '));
    const secretRows = await page.$$eval('main tbody tr', (rs) => rs.filter((r) => r.textContent.includes('********')).map((r) => r.dataset.name));
    assert.ok(secretRows.every((n) => /secret|key|password/.test(n)), secretRows.join(' '));
    await context.close();
  }
});

test('audit log: the actions above are there; verify the chain; a student\'s record of access', async (t) => {
  if (why) return t.skip(why);
  for (const lang of ['en', 'es']) {
    const { page, context } = await open('district_admin', '/admin-audit', lang);
    await page.fill('#audit-actor', loginOf('district_admin').username);
    await page.click('#audit-filter button[type=submit]');
    await page.waitForFunction(() => /failed-login counts cleared/.test(document.getElementById('audit-log').textContent));
    const log = await page.textContent('#audit-log');
    assert.match(log, /API client 'Reading app' added \(scopes: statements\/read state\)/);
    assert.match(log, /API client revoked/);
    // verifying the chain
    await page.click('#audit-verify-btn');
    await page.waitForSelector('#audit-verify .state.on');
    assert.match(await page.textContent('#audit-verify'), lang === 'en' ? /Intact: [\d,]+ entries checked/ : /Intacto/);
    await checkPage(page, 'admin-audit-actions', { lang, width: 1280 });
    assert.doesNotMatch(await page.textContent('main'), /\bnull\b/, 'nothing rendered as null');
    // refusals only
    await page.fill('#audit-actor', '');
    await page.check('#audit-denials');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('denials=true')),
      page.click('#audit-filter button[type=submit]'),
    ]);
    await settle(page);
    const outcomes = await page.$$eval('#audit-log tbody tr', (rs) => rs.map((r) => r.children[4].textContent));
    assert.ok(outcomes.every((o) => /Refused|Rechazado/.test(o)), outcomes.join(' '));
    // a student's record of access, found by name
    await page.fill('#audit-student-q', 'Good');
    await page.click('#audit-student-form button[type=submit]');
    const link = page.locator('#audit-found a').first();
    await link.waitFor();
    await link.click();
    await page.waitForURL(/student=/);
    await settle(page);
    await page.waitForSelector('#audit-record table');
    assert.match(await page.textContent('#audit-record'), /account administration|record of access/);
    await checkPage(page, 'admin-audit-student', { lang, width: 1280 });
    await context.close();
  }
});

test('account page: new recovery codes (no more "0 left" with no way forward), shown once', async (t) => {
  if (why) return t.skip(why);
  const { page, context } = await open('district_admin', '/account');
  await page.click('#new-codes');
  await page.waitForSelector('#codes-box');
  const codes = await page.$$eval('#codes-box .codes li', (ls) => ls.map((l) => l.textContent.trim()));
  assert.equal(codes.length, 10);
  assert.match(await page.textContent('main'), /10 recovery codes left/);
  await checkPage(page, 'admin-account-codes', { lang: 'en', width: 1280 });
  await page.reload();
  await settle(page);
  assert.ok(!(await page.textContent('body')).includes(codes[0]), 'not shown again');
  await context.close();
});

test('account page: a teacher changes their own password (the current one needed)', async (t) => {
  if (why) return t.skip(why);
  const tl = loginOf('teacher');
  for (const lang of ['en', 'es']) {
    const { page, context } = await open('teacher', '/account', lang);
    await checkPage(page, 'admin-account-teacher', { lang, width: 1280 });
    await context.close();
  }
  const { page, context } = await open('teacher', '/account');
  await page.fill('#pw-current', 'not-it-at-all');
  await page.fill('#pw-new', 'harbor-violet-stone-27');
  await page.fill('#pw-again', 'harbor-violet-stone-27');
  await page.click('#pw-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('pw-current-err').textContent.length > 0);
  assert.match(await page.textContent('#pw-current-err'), /not your current password/);
  await page.fill('#pw-current', tl.password);
  await page.fill('#pw-again', 'harbor-violet-stone-28');
  await page.click('#pw-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('pw-again-err').textContent.length > 0);
  await page.fill('#pw-again', 'harbor-violet-stone-27');
  await page.click('#pw-form button[type=submit]');
  await page.waitForFunction(() => /password is changed/.test(document.getElementById('pw-result').textContent));
  await checkPage(page, 'admin-account-changed', { lang: 'en', width: 1280 });
  assert.equal((await request(srv.url, '/api/v1/session', { method: 'POST', json: { username: tl.username, password: 'harbor-violet-stone-27' } })).status, 200);
  await context.close();
});

test('a school administrator: accounts and records of access only; never an administrator\'s login', async (t) => {
  if (why) return t.skip(why);
  for (const lang of ['en', 'es']) {
    const { page, context } = await open('school_admin', '/admin', lang);
    const links = await page.$$eval('#subnav a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['/admin', '/admin-accounts', '/admin-audit']);
    assert.doesNotMatch(await page.textContent('main'), lang === 'en' ? /intact/ : /intacto/, 'verifying the chain is not theirs');
    await checkPage(page, 'admin-school-overview', { lang, width: 1280 });
    await page.goto(`${srv.url}/admin-accounts`);
    await checkPage(page, 'admin-school-accounts', { lang, width: 1280 });
    const me = loginOf('school_admin').username;
    const mine = page.locator(`tr[data-username="${me}"]`);
    if (await mine.count()) assert.equal(await mine.locator('button').count(), 0, 'not their own login here');
    await page.goto(`${srv.url}/admin-clients`);
    await settle(page);
    assert.match(await page.textContent('main'), lang === 'en' ? /for school and district administrators/ : /administradores/);
    assert.equal(await page.locator('#client-name').count(), 0);
    await context.close();
  }
});
