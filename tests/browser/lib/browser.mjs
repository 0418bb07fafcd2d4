// Helpers for the browser tests: Debian's chromium driven by playwright-core (never a
// downloaded browser), axe-core for the WCAG rules, and checks of our own for what
// axe cannot see (CSP violations, target sizes, reflow, focus, language).
//
// WCAG 2.2 (W3C Recommendation, https://www.w3.org/TR/WCAG22/) criteria checked here:
//   1.3.1 Info and Relationships, 1.4.3 Contrast (Minimum), 4.1.2 Name, Role, Value ... (axe-core)
//   1.4.10 Reflow: "Vertical scrolling content at a width equivalent to 320 CSS pixels"
//          without scrolling in two dimensions                       -> expectReflow()
//   2.5.8 Target Size (Minimum): "The size of the target for pointer inputs is at least
//          24 by 24 CSS pixels", except inline targets in a sentence -> expectTargetSizes()
//   2.4.7 Focus Visible                                              -> expectVisibleFocus()
//   3.1.1 Language of Page: <html lang> matches the text             -> checkPage()
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { startServer, request, trellis, tempDir } from '../../e2e/lib/trellis.mjs';

export const CHROMIUM = '/usr/bin/chromium';
const require = createRequire(import.meta.url);
function resolvable(name) {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
const hasPackages = resolvable('playwright-core') && resolvable('axe-core/axe.min.js');
export const hasChromium = existsSync(CHROMIUM) && hasPackages;
export const NO_CHROMIUM = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is not installed (scripts/deps.sh test installs it)`
  : 'playwright-core and axe-core are not installed (cd tests && npm ci)';

const here = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = resolve(here, '..', 'artifacts');
export const WEB = resolve(here, '..', '..', '..', 'web');
const AXE_SOURCE = hasPackages ? readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') : '';
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// Every message of a language: the shared catalog and each area's own (i18n/<area>-<lang>.json).
function catalogOf(lang) {
  const dir = join(WEB, 'i18n');
  const files = [`${lang}.json`, ...readdirSync(dir).filter((f) => f.endsWith(`-${lang}.json`)).sort()];
  return Object.assign({}, ...files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))));
}
export const CATALOG = { en: catalogOf('en'), es: catalogOf('es') };

// The exact launch flags of recipes.md section 4.
export async function launch(extraArgs = []) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

// Chromium on Linux has no BarcodeDetector (Chrome has it on Android, macOS and
// ChromeOS, where families scan their cards). This stand-in for the browser's
// reports \`value\` as a QR code once the camera's video plays, so a test covers the
// page's part: feature detection, starting and stopping the camera, what it does
// with what was read. Decoding QR images is the browser's job, not tested here.
export async function fakeBarcodeDetector(page, value) {
  await page.addInitScript((v) => {
    window.BarcodeDetector = class {
      static async getSupportedFormats() {
        return ['qr_code'];
      }
      async detect(video) {
        return video.readyState >= 2 ? [{ format: 'qr_code', rawValue: v }] : [];
      }
    };
  }, value);
}

// ---- servers ----

// A server with the demo district (`trellis init --demo --logins FILE`) when the
// program can make one; otherwise a server with an empty database and the reason.
export async function demoServer({ env = {}, args = [] } = {}) {
  const dir = tempDir('trellis-browser-');
  const loginsFile = join(dir, 'logins.json');
  const init = trellis(['init', '--db', join(dir, 'trellis.db'), '--demo', '--logins', loginsFile,
    '--history-weeks', '0']);
  if (init.status !== 0) {
    const srv = await startServer({ dir, env, args });
    srv.logins = null;
    srv.noDemo = `the demo district is not available: trellis init --demo --logins says: ${init.stderr.trim().split('\n')[0]}`;
    return srv;
  }
  const srv = await startServer({ dir, init: false, env, args });
  let logins = JSON.parse(readFileSync(loginsFile, 'utf8'));
  if (!Array.isArray(logins)) logins = logins.logins || Object.values(logins);
  srv.logins = logins;
  return srv;
}

// Is the identity API (POST /api/v1/session) there? null if so, else why not.
export async function identityMissing(srv) {
  const r = await request(srv.url, '/api/v1/session', { method: 'POST', json: {} });
  if (r.status === 404 || r.status === 405) return `the identity API is not there yet (POST /api/v1/session answered ${r.status})`;
  return null;
}

// ---- TOTP (RFC 6238) ----

// RFC 4648 section 6: base32.
export function base32Decode(s) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase()) {
    const i = alpha.indexOf(ch);
    if (i < 0) throw new Error(`base32: bad character '${ch}'`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 section 4: T = floor((now - T0) / X) with T0 = 0 and X = 30 s, HMAC-SHA-1
// (RFC 4226 section 5.3: dynamic truncation), 6 digits.
export function totpAt(key, seconds, digits = 6) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = mac.readUInt32BE(off) & 0x7fffffff;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

// A code that stays valid for the next few seconds (waits out the end of a step).
// The server accepts each time step once (RFC 6238 section 5.2: no replay), so a
// secret whose current step was already used here waits for the next one.
const usedStep = new Map();
export async function freshTotp(secret) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  for (;;) {
    const now = Date.now() / 1000;
    const step = Math.floor(now / 30);
    if (now % 30 > 25 || usedStep.get(secret) >= step) {
      await sleep((30 - (now % 30)) * 1000 + 200);
      continue;
    }
    usedStep.set(secret, step);
    return totpAt(base32Decode(secret), now);
  }
}

// ---- pages ----

// A page with the language chosen by the `lang` cookie (or, with cookie: false, only by
// the browser's Accept-Language), collecting CSP violations and script errors.
export async function openPage(browser, base, { lang = 'en', width = 1280, height = 900, cookie = true, storageState } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    locale: lang === 'es' ? 'es-US' : 'en-US',
    storageState,
  });
  if (cookie) await context.addCookies([{ name: 'lang', value: lang, url: base }]);
  const page = await context.newPage();
  page.problems = [];
  page.responses = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (apply|execute|load|evaluate)/i.test(m.text())) page.problems.push(`CSP: ${m.text()}`);
    if (m.text().startsWith('i18n:')) page.problems.push(m.text()); // a message missing from a catalog
  });
  page.on('pageerror', (e) => page.problems.push(`script error: ${e.message}`));
  page.on('response', (r) => page.responses.push(r));
  // securitypolicyviolation events too (an injected init script is not subject to the CSP)
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { context, page };
}

export async function cspViolations(page) {
  const fromEvents = await page.evaluate(() => window.__csp || []);
  return [...page.problems, ...fromEvents.map((v) => `CSP event: ${v}`)];
}

// Wait until the page has finished its requests and rendered (no "Loading…").
export async function settle(page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => ![...document.querySelectorAll('.loading')].some((e) => /…$/.test(e.textContent.trim())));
}

export async function axeViolations(page) {
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE_SOURCE);
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: tags }), AXE_TAGS);
  return r.violations.map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// 2.5.8: every visible target at least 24 x 24 CSS px, unless it is a link inside
// a sentence (its block holds more text than the link).
export async function smallTargets(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])')) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
      if (r.bottom < 0 || r.right < 0) continue; // off-screen until focused (the skip link)
      if (r.width >= 24 && r.height >= 24) continue;
      if (el.tagName === 'A') {
        const block = el.closest('p, li, td, dd');
        if (block && block.textContent.trim().length > el.textContent.trim().length) continue; // inline
      }
      out.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || el.id).trim().slice(0, 40)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  });
}

export async function expectTargetSizes(page, what) {
  assert.deepEqual(await smallTargets(page), [], `${what}: targets under 24x24 CSS px (WCAG 2.2 SC 2.5.8)`);
}

// 1.4.10: at 320 CSS px nothing needs horizontal scrolling.
export async function expectReflow(page, what) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: size.height });
  const sw = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
  await page.setViewportSize(size);
  assert.ok(sw <= 320, `${what}: ${sw} px wide at a 320 px viewport (WCAG 2.2 SC 1.4.10 Reflow)`);
}

// The texts of the page come from the catalog of its language: no message keys
// showing, and <html lang> says which language it is (3.1.1).
export async function expectLanguage(page, lang, what) {
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `${what}: <html lang>`);
  const text = await page.evaluate(() => document.body.innerText + ' ' + document.title);
  const keys = Object.keys(CATALOG.en).filter((k) => text.includes(k));
  assert.deepEqual(keys, [], `${what}: message keys shown instead of text`);
}

export function screenshotPath(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, `${name}.png`);
}

// Text that escapes the bordered box it is in (a card, a tile, a panel, a button):
// clipped or overlapping, it is lost to the reader (1.4.10 asks for no loss of content).
export async function escapedText(page) {
  return page.evaluate(() => {
    const out = [];
    for (const box of document.querySelectorAll('body *')) {
      const s = getComputedStyle(box);
      if (!(parseFloat(s.borderLeftWidth) > 0 && s.borderLeftStyle !== 'none' && parseFloat(s.borderRightWidth) > 0)) continue;
      if (!box.getClientRects().length || s.visibility === 'hidden') continue;
      const b = box.getBoundingClientRect();
      const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim() || !n.parentElement.getClientRects().length) continue;
        // the content of a closed <details> is not shown (Chromium still gives it boxes)
        const closed = n.parentElement.closest('details:not([open])');
        if (closed && !n.parentElement.closest('summary')) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const bad = [...range.getClientRects()].some((r) => r.width > 0 && (r.right > b.right + 1 || r.left < b.left - 1 || r.bottom > b.bottom + 1 || r.top < b.top - 1));
        if (bad) {
          out.push(`"${n.textContent.trim().slice(0, 30)}" escapes ${box.tagName.toLowerCase()}.${box.className}`);
          break;
        }
      }
    }
    return out;
  });
}

// Everything every page must pass: zero axe violations, no CSP violation or script
// error, targets, reflow, language; and a full-page screenshot kept as an artifact.
export async function checkPage(page, name, { lang, width } = {}) {
  await settle(page);
  assert.deepEqual(await axeViolations(page), [], `${name}: axe-core violations (${AXE_TAGS.join(', ')})`);
  assert.deepEqual(await cspViolations(page), [], `${name}: CSP violations or script errors`);
  await expectTargetSizes(page, name);
  assert.deepEqual(await escapedText(page), [], `${name}: text outside its box`);
  const text = await page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(text, /\[object Object\]|\bundefined\b|\bNaN\b/, `${name}: a value rendered wrong`);
  if (lang) await expectLanguage(page, lang, name);
  await page.screenshot({ path: screenshotPath(`${name}${lang ? '-' + lang : ''}${width ? '-' + width : ''}`), fullPage: true });
  await expectReflow(page, name);
}

// Bytes on the wire and requests for what the page loaded so far.
export async function pageWeight(page) {
  let bytes = 0;
  const rows = [];
  for (const r of page.responses) {
    const s = await r.request().sizes().catch(() => null);
    if (!s) continue;
    bytes += s.responseBodySize + s.responseHeadersSize;
    rows.push(`${r.status()} ${new URL(r.url()).pathname} ${s.responseBodySize}`);
  }
  return { requests: page.responses.length, bytes, rows };
}

export function writeArtifact(name, text) {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, name), text);
}

// Log in through the login page, as a person would (Tab, type, Enter are done by
// the keyboard test; here the fields are filled). Returns when the home page is open.
export async function loginWithPassword(page, base, login) {
  await page.goto(`${base}/login`);
  await page.fill('#username', login.username);
  await page.fill('#password', login.password);
  await page.click('#pw-form button[type=submit]');
  await Promise.race([
    page.waitForURL(`${base}/`),
    page.waitForSelector('#tf-step:not([hidden])'),
  ]);
  if (page.url() !== `${base}/`) {
    assert.ok(login.totp_secret, `${login.role} ${login.username}: second factor asked, but the logins file has no TOTP secret`);
    await page.fill('#totp', await freshTotp(login.totp_secret));
    await page.click('#tf-form button[type=submit]');
    await page.waitForURL(`${base}/`);
  }
  await settle(page);
}
