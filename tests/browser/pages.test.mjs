// The pages anyone can open without logging in (login, the login-card landing page,
// 404): zero axe-core violations, no CSP violation, both languages at 1280 and 360 px,
// keyboard use, announced errors, the language switch, offline and failed requests,
// and what the login page weighs on a slow connection.
// WCAG 2.2 criteria are cited at each check (https://www.w3.org/TR/WCAG22/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, request } from '../e2e/lib/trellis.mjs';
import {
  hasChromium, NO_CHROMIUM, launch, openPage, checkPage, settle, totpAt, base32Decode,
  pageWeight, writeArtifact, CATALOG, cspViolations, screenshotPath, fakeBarcodeDetector,
} from './lib/browser.mjs';

const skip = hasChromium ? false : NO_CHROMIUM;
let srv;
let browser;

before(async () => {
  srv = await startServer();
  if (!skip) browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

test('the TOTP helper of these tests matches RFC 6238 Appendix B (SHA-1 vectors)', () => {
  const key = Buffer.from('12345678901234567890');
  assert.equal(totpAt(key, 59, 8), '94287082');
  assert.equal(totpAt(key, 1111111109, 8), '07081804');
  assert.equal(totpAt(key, 1234567890, 8), '89005924');
  assert.equal(totpAt(key, 2000000000, 8), '69279037');
  assert.deepEqual(base32Decode('GEZDGNBVGY3TQOJQ'), Buffer.from('1234567890'));
});

test('the English and Spanish catalogs have the same messages, placeholders and plural forms', () => {
  const { en, es } = CATALOG;
  assert.deepEqual(Object.keys(es).sort(), Object.keys(en).sort());
  const holes = (s) => (typeof s === 'object' ? Object.values(s).join(' ') : s).match(/\{\w+\}/g)?.sort() ?? [];
  const same = [];
  for (const k of Object.keys(en)) {
    assert.equal(typeof es[k], typeof en[k], k);
    if (typeof en[k] === 'object') assert.deepEqual(Object.keys(es[k]).sort(), Object.keys(en[k]).sort(), `${k}: plural forms`);
    assert.deepEqual([...new Set(holes(es[k]))], [...new Set(holes(en[k]))], `${k}: placeholders`);
    if (JSON.stringify(es[k]) === JSON.stringify(en[k])) same.push(k);
  }
  // the same in both languages only where it truly is (names, codes, numbers)
  assert.deepEqual(same, ['title.class_named', 'grade.short.KG', 'grade.short.PK', 'conn.programme.lifeline',
    'devices.type.chromebook', 'equity.count_share', 'school.title_of'], 'untranslated messages');
});

for (const lang of ['en', 'es']) {
  for (const width of [1280, 360]) {
    test(`login page in ${lang} at ${width} px: axe, CSP, targets, reflow`, { skip }, async () => {
      const { context, page } = await openPage(browser, srv.url, { lang, width });
      await page.goto(`${srv.url}/login`);
      await checkPage(page, 'login', { lang, width });
      assert.equal(await page.textContent('h1'), CATALOG[lang]['login.heading']);
      assert.equal(await page.title(), CATALOG[lang]['title.login']);
      // every control has a visible label (1.3.1, 3.3.2, 4.1.2)
      for (const id of ['username', 'password', 'show-password', 'card-code'])
        assert.ok(await page.$(`label[for="${id}"]`), `label for #${id}`);
      // password managers and pasting work (3.3.8 Accessible Authentication (Minimum))
      assert.equal(await page.getAttribute('#username', 'autocomplete'), 'username');
      assert.equal(await page.getAttribute('#password', 'autocomplete'), 'current-password');
      await context.close();
    });

    test(`404 page in ${lang} at ${width} px`, { skip }, async () => {
      const { context, page } = await openPage(browser, srv.url, { lang, width });
      const r = await page.goto(`${srv.url}/no/such/page`);
      assert.equal(r.status(), 404);
      await checkPage(page, '404', { lang, width });
      assert.equal(await page.textContent('h1'), CATALOG[lang]['notfound.heading']);
      await context.close();
    });

    test(`login card page without a code in ${lang} at ${width} px: the error is an alert`, { skip }, async () => {
      const { context, page } = await openPage(browser, srv.url, { lang, width });
      await page.goto(`${srv.url}/card`);
      await page.waitForFunction(() => document.getElementById('card-error').textContent !== '');
      await checkPage(page, 'card-nocode', { lang, width });
      // 4.1.3 Status Messages: the error is in a role=alert region
      assert.equal(await page.getAttribute('#card-error', 'role'), 'alert');
      assert.equal(await page.textContent('#card-error'), CATALOG[lang]['card.no_code']);
      await context.close();
    });
  }
}

test('language: Accept-Language picks Spanish; the switch changes it and is remembered', { skip }, async () => {
  const { context, page } = await openPage(browser, srv.url, { lang: 'es', cookie: false });
  await page.goto(`${srv.url}/login`);
  await settle(page);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
  assert.equal(await page.textContent('h1'), CATALOG.es['login.heading']);
  // the switch names the other language in that language (3.1.2 Language of Parts)
  const sw = page.locator('[data-switch-lang]');
  assert.equal(await sw.textContent(), 'English');
  assert.equal(await sw.getAttribute('lang'), 'en');
  await sw.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await page.textContent('h1'), CATALOG.en['login.heading']);
  assert.equal(await page.title(), CATALOG.en['title.login']);
  assert.equal(await sw.textContent(), 'Español');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.switchLang), 'es', 'focus stays on the switch');
  const cookie = (await context.cookies()).find((c) => c.name === 'lang');
  assert.equal(cookie?.value, 'en');
  assert.ok(cookie.expires > Date.now() / 1000 + 300 * 86400, 'the choice is kept for a year');
  await page.reload();
  await settle(page);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'remembered over Accept-Language');
  assert.deepEqual(await cspViolations(page), []);
  await context.close();
});

test('keyboard only: skip link, labelled fields, visible focus, errors announced and focused', { skip }, async () => {
  const { context, page } = await openPage(browser, srv.url, { lang: 'en' });
  await page.goto(`${srv.url}/login`);
  await settle(page);
  const focused = () =>
    page.evaluate(() => {
      const e = document.activeElement;
      const s = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      return { id: e.id, cls: e.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth), top: r.top, bottom: r.bottom };
    });
  // 2.4.1 Bypass Blocks: the first Tab reaches the skip link, shown on screen (2.4.7, 2.4.11)
  await page.keyboard.press('Tab');
  let f = await focused();
  assert.equal(f.cls, 'skip');
  assert.ok(f.top >= 0 && f.bottom <= 900, 'the skip link is on screen when focused');
  assert.notEqual(f.outline, 'none');
  await page.keyboard.press('Enter');
  assert.equal((await focused()).id, 'main');
  await page.keyboard.press('Tab');
  f = await focused();
  assert.equal(f.id, 'username', 'after the skip link, the first field');
  assert.ok(f.outline !== 'none' && f.width >= 2, '2.4.7 Focus Visible: an outline of at least 2 px');
  // submitting the empty form: 3.3.1 Error Identification, 4.1.3 Status Messages
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('announce').textContent !== '');
  const both = `${CATALOG.en['login.need_username']} ${CATALOG.en['login.need_password']}`;
  assert.equal(await page.textContent('#announce'), both);
  assert.equal(await page.getAttribute('#announce', 'role'), 'alert');
  assert.equal(await page.textContent('#login-error'), both, 'the same message is shown');
  assert.equal((await focused()).id, 'username', 'focus goes to the first field in error');
  assert.equal(await page.getAttribute('#username', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
  assert.equal(await page.textContent('#username-err'), CATALOG.en['login.need_username']);
  assert.match(await page.getAttribute('#username', 'aria-describedby'), /username-err/);
  // the error is more than colour (1.4.1 Use of Color): a text and a sign
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.getElementById('username-err'), '::before').content), 'none');
  // Tab order goes through the form in reading order (2.4.3 Focus Order)
  const order = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    order.push((await focused()).id || (await page.evaluate(() => document.activeElement.textContent.trim())));
  }
  assert.deepEqual(order.slice(0, 4), ['password', 'show-password', CATALOG.en['login.submit'], 'card-code']);
  // the "show password" box works from the keyboard
  await page.focus('#show-password');
  await page.keyboard.press('Space');
  assert.equal(await page.getAttribute('#password', 'type'), 'text');
  assert.deepEqual(await cspViolations(page), []);
  await context.close();
});

test('login card scanning: offered only where BarcodeDetector reads QR codes; no camera, a clear message', { skip }, async () => {
  const plain = await openPage(browser, srv.url, { lang: 'en' });
  await plain.page.goto(`${srv.url}/login`);
  await settle(plain.page);
  assert.ok(await plain.page.isHidden('#scan'), 'no scan button without BarcodeDetector (Chromium on Linux)');
  assert.ok(await plain.page.isVisible('#card-code'), 'the typed code is always there');
  await plain.context.close();
  // with a detector but no camera (headless Chromium has no device)
  const { context, page } = await openPage(browser, srv.url, { lang: 'es' });
  await fakeBarcodeDetector(page, 'unused');
  await page.goto(`${srv.url}/login`);
  await settle(page);
  await page.click('#scan-start');
  await page.waitForFunction(() => document.getElementById('login-error').textContent !== '');
  assert.equal(await page.textContent('#login-error'), CATALOG.es['login.no_camera']);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'card-code', 'focus goes to the typed code');
  await checkPage(page, 'login-no-camera', { lang: 'es', width: 1280 });
  await context.close();
});

test('offline and failed requests: a clear message, in the page language', { skip }, async () => {
  const { context, page } = await openPage(browser, srv.url, { lang: 'es', width: 360 });
  await page.goto(`${srv.url}/login`);
  await settle(page);
  await context.setOffline(true);
  await page.waitForFunction(() => document.getElementById('net').textContent !== '');
  assert.match(await page.textContent('#net'), new RegExp(CATALOG.es['net.offline'].slice(0, 20)));
  assert.equal(await page.getAttribute('#net', 'role'), 'alert');
  assert.equal(await page.textContent('#net'), CATALOG.es['net.offline'], 'the message and nothing else');
  await page.screenshot({ path: screenshotPath('login-offline-es-360'), fullPage: true });
  await page.fill('#username', 'someone');
  await page.fill('#password', 'a password');
  await page.click('#pw-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('login-error').textContent !== '');
  assert.equal(await page.textContent('#login-error'), CATALOG.es['net.offline']);
  await context.setOffline(false);
  await page.waitForFunction(() => document.getElementById('net').textContent === '');
  // a request that fails on the way (the connection drops)
  await page.route('**/api/v1/session', (route) => route.abort('connectionfailed'));
  await page.click('#pw-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('net').textContent !== '');
  assert.match(await page.textContent('#net'), new RegExp(CATALOG.es['net.failed'].slice(0, 20)));
  assert.equal(await page.textContent('#login-error'), CATALOG.es['net.failed']);
  await context.close();
});

test('when the catalog cannot be loaded, the page stays usable in English and says why', { skip }, async () => {
  const { context, page } = await openPage(browser, srv.url, { lang: 'es', width: 360 });
  await page.route('**/i18n/*.json', (route) => route.abort('connectionfailed'));
  await page.goto(`${srv.url}/login`);
  await page.waitForFunction(() => document.getElementById('net').textContent !== '');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'the text is the English of the HTML');
  assert.equal(await page.textContent('h1'), CATALOG.en['login.heading']);
  assert.equal(await page.getAttribute('#net', 'lang'), 'es', 'the notice is in the chosen language, marked as such (3.1.2)');
  assert.match(await page.textContent('#net'), new RegExp(CATALOG.es['net.failed'].slice(0, 20)));
  assert.equal(await page.textContent('#net button'), CATALOG.es['net.retry']);
  await context.close();
});

test('page weight: the login page loads in few, small, compressed requests', { skip }, async () => {
  const { context, page } = await openPage(browser, srv.url, { lang: 'es', width: 360 });
  await page.goto(`${srv.url}/login`);
  await settle(page);
  const first = await pageWeight(page);
  for (const r of page.responses) {
    const path = new URL(r.url()).pathname;
    if (/\.(css|js|json)$/.test(path) || path === '/login') {
      const h = await r.allHeaders();
      if (Number(h['content-length'] || 1000) >= 512) assert.equal(h['content-encoding'], 'gzip', `${path} is sent compressed`);
      assert.ok(h.etag, `${path} has an ETag`);
    }
  }
  page.responses = [];
  await page.reload();
  await settle(page);
  const again = await pageWeight(page);
  // fetch() reports a revalidated file as 200, so count what came over the wire
  const revalidated = page.responses.filter((r) => r.status() === 304).length;
  writeArtifact('weight-login.txt', `first load: ${first.requests} requests, ${first.bytes} bytes\n${first.rows.join('\n')}\n\n` +
    `reload: ${again.requests} requests, ${again.bytes} bytes, ${revalidated} answered 304\n${again.rows.join('\n')}\n`);
  // html + css + 2 modules + catalog + /api/v1/me + /api/v1/brand (the district's name):
  // no framework, no fonts, no images; 34 KB since the design system's tokens and
  // components (about 2 KB of app.css compressed, docs/DESIGN-SYSTEM.md)
  assert.ok(first.requests <= 7, `first load made ${first.requests} requests:\n${first.rows.join('\n')}`);
  assert.ok(first.bytes <= 34 * 1024, `first load moved ${first.bytes} bytes`);
  assert.ok(revalidated >= 3, `a reload revalidates the stylesheet and modules with their ETags (${revalidated} x 304)`);
  assert.ok(again.bytes < first.bytes / 3, `a reload moves little: ${again.bytes} bytes`);
  await context.close();
});

test('static files carry the security headers: no inline script or style allowed', async () => {
  const r = await request(srv.url, '/login');
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /style-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  // and the pages themselves hold no inline script, style attribute or <style>
  for (const p of ['/', '/login', '/card', '/class', '/cards', '/account', '/totp', '/404.html']) {
    const page = await request(srv.url, p);
    assert.doesNotMatch(page.text, /<script(?![^>]*\bsrc=)[^>]*>/i, `${p}: inline script`);
    assert.doesNotMatch(page.text, /\sstyle=|<style/i, `${p}: inline style`);
    assert.doesNotMatch(page.text, /\son[a-z]+=/i, `${p}: inline event handler`);
  }
});
