// The public verification page of a micro-credential (web/badge.html, issue 15), in
// English and Spanish, at phone width (360 px) and at 1280 px: a verified credential of the
// demo district, a revoked one and an unknown address, each with zero axe-core violations
// (WCAG 2.2 AA), no CSP violation and nothing outside its box. The page shows what the
// credential holds and the outcome of checking it: nothing else. No login. Screenshots:
// tests/browser/artifacts/badge-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startServer, trellis, tempDir, request } from '../e2e/lib/trellis.mjs';
import { hasChromium, NO_CHROMIUM, launch, openPage, checkPage, CATALOG } from './lib/browser.mjs';

let srv, browser, active, revoked;
let why = null;

before(async () => {
  if (!hasChromium) {
    why = NO_CHROMIUM;
    return;
  }
  const port = await new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
  });
  const env = { TRELLIS_BASE_URL: `http://127.0.0.1:${port}` };
  const dir = tempDir('trellis-browser-badges-');
  const db = join(dir, 'trellis.db');
  const init = trellis(['init', '--db', db, '--demo', '--logins', join(dir, 'l.json'), '--history-weeks', '0'], { env });
  assert.equal(init.status, 0, init.stderr);
  const list = JSON.parse(trellis(['badge', 'list', '--db', db, '--json']).stdout);
  assert.ok(list.length >= 2, 'the demo district has awarded credentials');
  [active, revoked] = list;
  const r = trellis(['badge', 'revoke', '--db', db, '--id', String(revoked.id), '--reason', 'awarded in error']);
  assert.equal(r.status, 0, r.stderr);
  srv = await startServer({ dir, db, init: false, env, args: ['--listen', `127.0.0.1:${port}`] });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

for (const lang of ['en', 'es']) {
  for (const width of [360, 1280]) {
    test(`the verification page in ${lang} at ${width} px: verified, revoked, unknown`, async (t) => {
      if (why) return t.skip(why);
      const cat = CATALOG[lang] ? { ...CATALOG[lang], ...(await request(srv.url, `/i18n/badges-${lang}.json`)).body } : null;
      const { context, page } = await openPage(browser, srv.url, { lang, width, cookie: true });
      try {
        await page.goto(`${srv.url}/badge?id=${active.uuid}`);
        await page.waitForSelector('.badge-result');
        const text = await page.textContent('#badge');
        assert.ok(text.includes(cat['badges.state.verified']), 'says verified');
        assert.ok(text.includes(active.achievement), 'the achievement');
        assert.ok(text.includes(active.recipient), 'the holder, as the credential names them');
        assert.deepEqual(await page.$$eval('a[download]', (as) => as.map((a) => a.getAttribute('href'))),
          [`/badges/c/${active.uuid}`, `/badges/png/${active.uuid}`]);
        await checkPage(page, 'badge-verified', { lang, width });

        await page.goto(`${srv.url}/badge?id=${revoked.uuid}`);
        await page.waitForSelector('.badge-revoked');
        assert.ok((await page.textContent('#badge')).includes(cat['badges.state.revoked_text']));
        await checkPage(page, 'badge-revoked', { lang, width });

        await page.goto(`${srv.url}/badge?id=00000000-0000-4000-8000-000000000000`);
        await page.waitForFunction(() => document.getElementById('badge-error').textContent.length > 0);
        assert.equal(await page.textContent('#badge-error'), cat['badges.not_found']);
        await checkPage(page, 'badge-unknown', { lang, width });
      } finally {
        await context.close();
      }
    });
  }
}
