// The message catalogs (web/i18n): the shared one every page loads (<lang>.json) and each
// area's own (<area>-<lang>.json), loaded by the pages that say so (start({ texts: [...] })
// or addTexts('area') in their modules). Read from the files, no server: every key a page's
// HTML or modules name is in a catalog that page loads, in English and in Spanish; the two
// languages have the same keys file by file; no key is in two files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
const I18N = join(WEB, 'i18n');
const read = (f) => readFileSync(f, 'utf8');
const json = (f) => JSON.parse(read(join(I18N, f)));

const files = readdirSync(I18N).filter((f) => f.endsWith('.json'));
const areas = [...new Set(files.map((f) => f.match(/^([a-z]+)-(en|es)\.json$/)?.[1]).filter(Boolean))].sort();
const catalog = (lang, area) => json(area ? `${area}-${lang}.json` : `${lang}.json`);

test('each file has the same keys in English and Spanish, and no key is in two files', () => {
  const owner = new Map();
  for (const area of [null, ...areas]) {
    const en = Object.keys(catalog('en', area)).sort();
    const es = Object.keys(catalog('es', area)).sort();
    assert.deepEqual(es, en, `${area ?? 'shared'}: the same keys in es as in en`);
    for (const k of en) {
      assert.ok(!owner.has(k), `${k} is in ${owner.get(k)} and in ${area ?? 'shared'}`);
      owner.set(k, area ?? 'shared');
    }
  }
});

// The modules a page loads: its <script type="module"> and what they import (static and import()).
function modulesOf(html) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const m of read(file).matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.\/[\w-]+\.js)['"]/g)) visit(resolve(dirname(file), m[1]));
  };
  for (const m of read(html).matchAll(/<script type="module" src="\/js\/([\w-]+\.js)"/g)) visit(join(WEB, 'js', m[1]));
  return [...seen];
}

test('every message a page names is in a catalog that page loads, in both languages', () => {
  const all = {};
  for (const area of [null, ...areas]) for (const k of Object.keys(catalog('en', area))) all[k] = area;
  const prefixes = new Set(Object.keys(all).map((k) => k.split('.')[0]));
  const pages = readdirSync(WEB).filter((f) => f.endsWith('.html'));
  assert.ok(pages.length > 10);
  const missing = [];
  for (const page of pages) {
    const sources = [join(WEB, page), ...modulesOf(join(WEB, page))].map(read);
    const loads = new Set([null]);
    for (const s of sources) {
      for (const m of s.matchAll(/texts:\s*\[([^\]]*)\]/g)) for (const a of m[1].matchAll(/'([a-z]+)'/g)) loads.add(a[1]);
      for (const m of s.matchAll(/addTexts\('([a-z]+)'\)/g)) loads.add(m[1]);
    }
    const named = new Set();
    const starts = new Set();
    for (const s of sources) {
      for (const m of s.matchAll(/['"]([a-z_]+(?:\.[A-Za-z0-9_]+)+)['"]/g)) if (prefixes.has(m[1].split('.')[0])) named.add(m[1]);
      for (const m of s.matchAll(/data-i18n(?:-label)?="([a-z_]+\.[^"]+)"/g)) named.add(m[1]);
      for (const m of s.matchAll(/`([a-z_]+(?:\.[A-Za-z0-9_]+)*\.)\$\{/g)) if (prefixes.has(m[1].split('.')[0])) starts.add(m[1]);
    }
    // a key named in full must exist; a key built from a prefix (`teach.flag.${code}`) needs
    // each existing key under the prefix to be loadable
    for (const k of named) {
      if (!(k in all)) {
        if (/^[a-z]+\.[a-z]+$/.test(k) && !Object.keys(all).some((x) => x.startsWith(k + '.'))) continue; // not a message (e.g. 'admin.js')
        if (!Object.keys(all).some((x) => x.startsWith(k + '.'))) missing.push(`${page}: ${k} is in no catalog`);
        continue;
      }
      if (!loads.has(all[k])) missing.push(`${page}: ${k} is in ${all[k]}-<lang>.json, which the page does not load`);
    }
    for (const p of starts)
      for (const k of Object.keys(all).filter((x) => x.startsWith(p)))
        if (!loads.has(all[k])) missing.push(`${page}: ${k} (${p}…) is in ${all[k]}-<lang>.json, which the page does not load`);
  }
  assert.deepEqual(missing, []);
});
