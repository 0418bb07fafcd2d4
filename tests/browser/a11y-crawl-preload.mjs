// Preload for the outside accessibility checker (a11y_crawl.mjs from the shared tools):
//   node --import ./a11y-crawl-preload.mjs a11y_crawl.mjs BASE_URL LOGINS.json
// run from a folder where playwright-core resolves (e.g. a copy of the checker in tests/).
// The checker injects axe-core with page.addScriptTag, an inline <script> that
// Trellis's Content-Security-Policy (script-src 'self', no 'unsafe-inline') refuses, so
// it stops at its first page. This makes every browser context it opens bypass the
// page's CSP (Playwright's bypassCSP option) and changes nothing else: the same pages,
// the same axe-core rules. CSP violations themselves are checked by tests/browser.
import { chromium } from 'playwright-core';

const launch = chromium.launch.bind(chromium);
chromium.launch = async (...args) => {
  const browser = await launch(...args);
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options = {}) => newContext({ ...options, bypassCSP: true });
  return browser;
};
