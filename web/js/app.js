// Shared by every page: the message catalogs (English, Spanish), the API client,
// the page chrome (language switch, who is logged in, log out) and the notice shown
// when the device is offline or a request fails.
//
// The server's Content-Security-Policy allows no inline script and no style
// attributes: nothing here sets element.style or a style attribute; pages show
// and hide things with the `hidden` attribute and classes from /css/app.css.

export const LANGS = ['en', 'es'];
const LANG_NAMES = { en: 'English', es: 'Español' };

// The few texts needed when the catalog itself cannot be loaded (weak signal).
const BUILTIN = {
  en: {
    'net.offline': 'You are offline. Trellis will work again when your connection is back.',
    'net.failed': 'Trellis could not be reached. Check your connection and try again.',
    'net.retry': 'Try again',
  },
  es: {
    'net.offline': 'No tiene conexión. Trellis volverá a funcionar cuando se restablezca.',
    'net.failed': 'No se pudo conectar con Trellis. Revise su conexión e inténtelo de nuevo.',
    'net.retry': 'Intentar de nuevo',
  },
};

let lang = 'en';
let catalog = {};
let csrf = '';
let me = null;
const langListeners = [];
let retryAction = null;
let offlineKey = 'net.offline'; // what the notice says when the device is offline (a page may say more)

export function currentLang() {
  return lang;
}

export function currentUser() {
  return me;
}

function cookieLang() {
  const m = /(?:^|;\s*)lang=(en|es)(?:;|$)/.exec(document.cookie);
  return m ? m[1] : null;
}

function browserLang() {
  for (const l of navigator.languages || [navigator.language || 'en']) {
    const p = String(l).slice(0, 2).toLowerCase();
    if (LANGS.includes(p)) return p;
  }
  return 'en';
}

// ---- messages ----

function fmtValue(v) {
  return typeof v === 'number' ? new Intl.NumberFormat(lang).format(v) : String(v);
}

// t('home.students', { count: 3 }): a catalog entry is a string with {name}
// placeholders, or an object of plural forms chosen by Intl.PluralRules.
export function t(key, vars = {}) {
  let s = catalog[key] ?? BUILTIN[lang][key] ?? BUILTIN.en[key];
  if (s === undefined) {
    console.warn(`i18n: no message '${key}' in ${lang}`);
    return key;
  }
  if (typeof s === 'object') {
    const n = Number(vars.count ?? 0);
    s = s[new Intl.PluralRules(lang).select(n)] ?? s.other;
  }
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? fmtValue(vars[k]) : m));
}

export function has(key) {
  return key in catalog;
}

export function fmtNumber(n) {
  return new Intl.NumberFormat(lang).format(n);
}

export function fmtDate(d, opts = { dateStyle: 'long' }) {
  return new Intl.DateTimeFormat(lang, opts).format(d);
}

// "a, b, c" (role and school names may themselves contain "and" or "or")
export function fmtList(items) {
  return new Intl.ListFormat(lang, { style: 'short', type: 'unit' }).format(items);
}

// Fill every element marked data-i18n="key" (text) or data-i18n-label="key"
// (aria-label) under root. A "Loading…" line (.loading) is filled only while it still
// says so (prev: the catalog it was written from): once the page has loaded, or put a
// message of its own there, a language switch leaves it alone.
export function translate(root = document, prev = null) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    if (prev && el.classList.contains('loading') && el.textContent !== (prev[el.dataset.i18n] ?? '')) continue;
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

// The shared catalog, and the texts of the page's area when it has its own file
// (start({ texts: ['admin'] }) loads /i18n/admin-<lang>.json too), so that no page
// loads the texts of pages its reader never opens.
let areas = [];

// One catalog file: the shared one (area null) or an area's.
async function fetchTexts(l, area = null) {
  const f = area ? `/i18n/${area}-${l}.json` : `/i18n/${l}.json`;
  const r = await fetch(f, { signal: AbortSignal.timeout(20000) });
  if (!r.ok) throw new ApiError(r.status, null);
  return r.json();
}

async function loadCatalog(l) {
  const parts = await Promise.all([null, ...areas].map((a) => fetchTexts(l, a)));
  return Object.assign({}, ...parts);
}

// An area's texts wanted only sometimes, after start (the family view on the home
// page, for guardians): loaded once and merged, and kept on a change of language.
export async function addTexts(area) {
  if (areas.includes(area)) return;
  let texts;
  try {
    texts = await fetchTexts(lang, area);
  } catch (e) {
    throw e instanceof ApiError ? e : new ApiError(0, null, true); // offline or too slow: try again
  }
  catalog = { ...catalog, ...texts };
  areas = [...areas, area];
}

function rememberLang(l) {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `lang=${l}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
}

function updateLangSwitch() {
  const other = lang === 'en' ? 'es' : 'en';
  for (const b of document.querySelectorAll('[data-switch-lang]')) {
    b.textContent = LANG_NAMES[other];
    b.lang = other;
    b.dataset.switchLang = other;
  }
}

export async function setLang(l, { remember = true } = {}) {
  if (!LANGS.includes(l)) l = 'en';
  const prev = catalog;
  try {
    catalog = await loadCatalog(l);
  } catch {
    showNetProblem('failed', () => setLang(l, { remember }));
    return;
  }
  lang = l;
  if (remember) {
    rememberLang(l);
    // and for the account, so its other devices and its e-mails follow (the server sets the cookie too)
    if (me) api('/api/v1/me/lang', { method: 'POST', body: { lang: l } }).catch(() => {});
  }
  document.documentElement.lang = l;
  translate(document, prev);
  updateLangSwitch();
  renderWho();
  for (const fn of langListeners) fn(l);
}

export function onLangChange(fn) {
  langListeners.push(fn);
}

// ---- small DOM helper ----

// h('a', { href: '/x', class: 'button' }, 'text', childNode): attributes are set
// with setAttribute (never style); `text` children become text nodes.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'style') throw new Error('no style attributes: the CSP forbids them');
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// ---- the API ----

export class ApiError extends Error {
  constructor(status, body, network = false) {
    super(body?.detail || (network ? 'network' : `HTTP ${status}`));
    this.status = status;
    this.code = body?.code || (network ? 'network' : status >= 500 ? 'server' : 'error');
    this.detail = body?.detail || '';
    this.retryAfter = Number(body?.retry_after) || 0;
    this.network = network;
  }
}

export function setCsrf(token) {
  if (token) csrf = token;
}

export async function api(path, { method = 'GET', body, timeout = 20000, stepUp = true } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  let r;
  try {
    r = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: AbortSignal.timeout(timeout),
    });
  } catch {
    throw new ApiError(0, null, true);
  }
  let data = null;
  const ct = r.headers.get('Content-Type') || '';
  if (ct.includes('json')) {
    try {
      data = await r.json();
    } catch {
      data = null;
    }
  }
  if (r.status === 401 && !path.startsWith('/api/v1/session') && path !== '/api/v1/me') {
    // the session ended (idle or absolute time-out) while the page was open
    location.replace(loginUrl(r.headers.get('Trellis-Session-Ended')));
  }
  if (r.status === 403 && data?.code === 'second_factor_required' && stepUp) {
    // many student records within the hour, or changing the authenticator: the
    // server wants a fresh code first; ask for it here, then do the same again
    await confirmSecondFactor();
    return api(path, { method, body, timeout, stepUp: false });
  }
  if (!r.ok) {
    const e = new ApiError(r.status, data);
    if (!e.retryAfter) e.retryAfter = Number(r.headers.get('Retry-After')) || 0;
    e.ended = r.headers.get('Trellis-Session-Ended'); // why a session ended, for the login page
    throw e;
  }
  if (data && data.csrf_token) setCsrf(data.csrf_token);
  return data;
}

// ---- a fresh second factor ----
// A panel under the page's heading asks for a code from the authenticator app
// (POST /api/v1/session/mfa); the promise resolves once the server took it.
let stepUpPending = null;

function confirmSecondFactor() {
  if (stepUpPending) return stepUpPending;
  stepUpPending = new Promise((resolve) => {
    const main = document.getElementById('main');
    const input = h('input', {
      id: 'stepup-code', name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code',
      autocapitalize: 'none', spellcheck: 'false', maxlength: '32', required: true, 'aria-describedby': 'stepup-err',
    });
    const err = h('p', { id: 'stepup-err', class: 'field-error', role: 'alert' });
    const texts = [
      [h('h2', { id: 'stepup-h', tabindex: '-1' }), 'stepup.heading'],
      [h('p'), 'stepup.text'],
      [h('label', { for: 'stepup-code' }), 'stepup.label'],
      [h('button', { type: 'submit', class: 'primary' }), 'stepup.submit'],
    ];
    let errKey = null; // a catalog key, or a function that renders the message
    const paint = () => {
      for (const [el, key] of texts) el.textContent = t(key);
      err.textContent = !errKey ? '' : typeof errKey === 'function' ? errKey() : t(errKey);
    };
    paint();
    onLangChange(paint);
    const form = h('form', { novalidate: true }, h('div', { class: 'field' }, texts[2][0], input, err), texts[3][0]);
    const panel = h('section', { class: 'panel warn', id: 'stepup', 'aria-labelledby': 'stepup-h' }, texts[0][0], texts[1][0], form);
    const h1 = main.querySelector('h1');
    if (h1) h1.after(panel);
    else main.prepend(panel);
    input.focus();
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const code = input.value.replace(/\s+/g, '');
      errKey = null;
      if (!code) errKey = 'login.need_code';
      else {
        try {
          await api('/api/v1/session/mfa', { method: 'POST', body: { totp: code }, stepUp: false });
        } catch (e) {
          // 429: too many wrong codes, the server says how long to wait
          errKey = e.network ? (navigator.onLine === false ? 'net.offline' : 'net.failed')
            : e.status === 429 ? () => errorText(e) : 'login.bad_code';
        }
      }
      if (errKey) {
        input.setAttribute('aria-invalid', 'true');
        err.textContent = '';
        setTimeout(paint, 50); // a separate task, so the same message is announced again
        input.select();
        return;
      }
      panel.remove();
      stepUpPending = null;
      resolve();
    });
  });
  return stepUpPending;
}

// The message for an API error, in the page's language: known codes have their
// own text (errors.<code>); anything else gets a general one.
export function errorText(e) {
  if (e.network) return t(navigator.onLine === false ? 'net.offline' : 'net.failed');
  if (e.code === 'too_many_requests') return t('errors.too_many_requests', { count: e.retryAfter || 30 });
  if (has(`errors.${e.code}`)) return t(`errors.${e.code}`);
  if (e.status >= 500) return t('errors.server');
  return t('errors.general', { status: e.status });
}

// ---- offline and failed requests ----
// #net is a role=alert region that stays in the page (empty when all is well), so
// screen readers announce a message the moment it is put there.

function netBox() {
  return document.getElementById('net');
}

export function showNetProblem(kind, retry) {
  const box = netBox();
  if (!box) return;
  retryAction = retry || null;
  box.lang = lang;
  const key = kind === 'offline' ? (has(offlineKey) ? offlineKey : 'net.offline') : 'net.failed';
  box.dataset.kind = kind;
  const parts = [h('p', {}, t(key))];
  if (retryAction) parts.push(h('button', { type: 'button', 'data-net-retry': true }, t('net.retry')));
  box.replaceChildren(...parts);
}

export function clearNetProblem() {
  const box = netBox();
  if (!box) return;
  box.replaceChildren();
  delete box.dataset.kind;
  retryAction = null;
}

// A page that works offline says so when the device is offline (key: a catalog message).
export function setOfflineMessage(key) {
  offlineKey = key;
  if (netBox()?.dataset.kind === 'offline') showNetProblem('offline', retryAction);
}

function wireNet() {
  const box = netBox();
  if (!box) return;
  box.addEventListener('click', (ev) => {
    if (!ev.target.closest('[data-net-retry]')) return;
    const again = retryAction;
    clearNetProblem();
    if (again) again();
    else location.reload();
  });
  window.addEventListener('offline', () => showNetProblem('offline'));
  window.addEventListener('online', () => {
    const again = retryAction;
    clearNetProblem();
    if (again) again();
  });
  if (navigator.onLine === false) showNetProblem('offline');
}

// ---- icons and empty states (the design system: docs/DESIGN-SYSTEM.md) ----

const SVG_NS = 'http://www.w3.org/2000/svg';

// A Bootstrap Icon from /vendor/icons.svg (names: scripts/web-vendor/icons.txt),
// decorative: always next to a word, so hidden from screen readers.
export function icon(name, cls = '') {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', cls ? `icon ${cls}` : 'icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const use = document.createElementNS(SVG_NS, 'use');
  use.setAttribute('href', `/vendor/icons.svg#${name}`);
  svg.append(use);
  return svg;
}

// What a page shows when there is nothing yet: what is missing and what to do.
//   emptyState({ icon: 'people', title: '...', text: '...', action: node, level: 'h3' })
export function emptyState({ icon: name = 'info-circle', title, text, action, level = 'h3' } = {}) {
  return h(
    'div',
    { class: 'empty-state' },
    icon(name),
    h('div', {}, title ? h(level, {}, title) : null, text ? h('p', {}, text) : null, action || null),
  );
}

// ---- the district: its name and logo in the header (GET /api/v1/brand, public) ----

let brand = null; // { district, logo }

function readBrandCache() {
  try {
    return JSON.parse(sessionStorage.getItem('trellis.brand') || 'null');
  } catch {
    return null;
  }
}

function renderBrand() {
  const district = me?.district?.name || brand?.district || '';
  const logo = (me?.district ? me.district.logo : brand?.logo) || '';
  for (const a of document.querySelectorAll('a.brand')) {
    const key = `${district}|${logo}`;
    if (a.dataset.brand === key) continue;
    a.dataset.brand = key;
    const parts = [];
    // the name says who it is; the logo beside it is decoration (alt="")
    if (logo) parts.push(h('img', { class: 'brand-logo', src: logo, alt: '' }));
    if (district) parts.push(h('span', { class: 'brand-text' }, h('span', { class: 'brand-district' }, district), h('span', { class: 'brand-product' }, 'Trellis')));
    else parts.push(h('span', {}, 'Trellis'));
    a.replaceChildren(...parts);
  }
  for (const fn of brandListeners) fn();
}

const brandListeners = [];
// fn() runs whenever the district's name or logo is known or changes.
export function onBrand(fn) {
  brandListeners.push(fn);
}

async function loadBrand() {
  brand = readBrandCache();
  renderBrand();
  try {
    const r = await fetch('/api/v1/brand', { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(10000) });
    if (!r.ok) return;
    brand = await r.json();
    try {
      sessionStorage.setItem('trellis.brand', JSON.stringify(brand));
    } catch {
      // no storage: asked again on the next page
    }
    renderBrand();
  } catch {
    // offline or slow: the header keeps what it has
  }
}

// The district's name (logged in: the person's district; else the only one), or ''.
export function districtName() {
  return me?.district?.name || brand?.district || '';
}

// ---- chrome: who is logged in, log out ----

function renderWho() {
  const box = document.getElementById('who');
  if (!box) return;
  if (!me) {
    box.hidden = true;
    return;
  }
  box.replaceChildren(h('span', { class: 'who-label' }, t('nav.logged_in_as')), ' ', h('strong', {}, me.name || me.username));
  box.hidden = false;
  for (const el of document.querySelectorAll('[data-when-logged-in]')) el.hidden = false;
}

export async function logout() {
  try {
    await api('/api/v1/session', { method: 'DELETE' });
  } catch (e) {
    if (e.network) {
      showNetProblem('failed', logout);
      return;
    }
    // 401: already logged out, which is what was asked for
  }
  me = null;
  // the practice page no longer opens offline as this person (their unsent answers stay
  // on the device, and go when they next log in)
  try {
    localStorage.removeItem('trellis.practice.user');
  } catch {
    // no storage: nothing kept
  }
  location.assign('/login?bye=1');
}

function wireChrome() {
  for (const b of document.querySelectorAll('[data-switch-lang]'))
    b.addEventListener('click', () => setLang(b.dataset.switchLang));
  for (const b of document.querySelectorAll('[data-logout]')) b.addEventListener('click', logout);
  wireNet();
  addFooter();
}

// Every page ends with the same footer (3.2.6): the privacy notice, public, in reach of
// families before they log in.
function addFooter() {
  if (document.querySelector('footer.site-foot')) return;
  const here = location.pathname === '/privacy' || location.pathname === '/privacy.html';
  document.body.append(h('footer', { class: 'site-foot' }, h('p', {},
    h('a', { href: '/privacy', 'data-i18n': 'privacy.footer_link', 'aria-current': here ? 'page' : null }, 'Privacy notice'))));
}

// A local path to go back to after logging in (never another site).
export function safeNext(v) {
  if (!v || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return '/';
  return v;
}

// ended: the server's Trellis-Session-Ended value, which the login page explains.
export function loginUrl(ended) {
  const u = '/login?next=' + encodeURIComponent(location.pathname + location.search);
  return ended ? `${u}&ended=${encodeURIComponent(ended)}` : u;
}

// Start a page: load the catalog and, in parallel, who is logged in.
//   auth: 'required' sends people who are not logged in to the login page;
//         'optional' just reports who it is (or null);
//   texts: the areas whose own catalogs the page needs too (['admin']).
export async function start({ auth = 'required', texts = [] } = {}) {
  areas = texts;
  lang = cookieLang() || browserLang();
  wireChrome();
  // a page for people who are logged in learns the district from /api/v1/me; the
  // others (login, card, 404) ask /api/v1/brand
  if (auth !== 'required') loadBrand();
  else {
    brand = readBrandCache(); // drawn at once (and offline), replaced by /me's
    renderBrand();
  }
  const cat = loadCatalog(lang).catch(() => null);
  const who = auth ? api('/api/v1/me').catch((e) => e) : Promise.resolve(null);
  const [c, m] = await Promise.all([cat, who]);
  if (c) {
    catalog = c;
    document.documentElement.lang = lang; // with its texts, not before (3.1.1)
    translate();
  } else {
    // the page keeps the English it was written in; the notice is in the wanted language
    showNetProblem('failed', () => location.reload());
  }
  // a page marked class="i18n-wait" is not painted until now, so a Spanish reader never
  // sees the English of the HTML first (app.css shows it anyway after 3 s)
  document.documentElement.classList.add('i18n-ready');
  updateLangSwitch();
  if (m instanceof ApiError) {
    if (m.status === 401 && auth === 'required') {
      location.replace(loginUrl(m.ended));
      return new Promise(() => {}); // the page is going away
    }
    if (m.network && auth === 'required') showNetProblem('failed', () => location.reload());
    me = null;
  } else {
    me = m;
  }
  if (me?.csrf_token) setCsrf(me.csrf_token);
  renderWho();
  if (me?.district) {
    brand = { district: me.district.name || null, logo: me.district.logo || null };
    try {
      sessionStorage.setItem('trellis.brand', JSON.stringify(brand));
    } catch {
      // no storage: asked again on the next page
    }
  }
  renderBrand();
  return me;
}

// Who is logged in, asked again: a page opened offline learns it when the connection
// returns (and shows the chrome a logged-in person has). Throws the ApiError.
export async function refreshMe() {
  me = await api('/api/v1/me');
  renderWho();
  return me;
}

// Put a short message where screen readers announce it (role=status or alert region).
export function announce(el, text) {
  el.textContent = '';
  // a separate task, so an unchanged message is announced again
  setTimeout(() => {
    el.textContent = text;
  }, 50);
}

// A school or other named thing given either as its name or as {id, name}.
export function nameOf(x) {
  return x && typeof x === 'object' ? x.name || '' : x || '';
}

export function roleName(role) {
  return t(`role.${role}`);
}

// A class's course, only when it says more than the class's title ("Grade 3
// Mathematics" under "Grade 3 Mathematics - Section 1" says nothing new).
export function courseBesides(c) {
  const course = String(c?.course || '').trim();
  if (!course) return '';
  const norm = (x) => String(x || '').toLowerCase().replace(/\s+/g, ' ').trim();
  return norm(c.title).includes(norm(course)) ? '' : course;
}

// A class's period worth showing: rosters give homerooms and classes without a
// schedule period "0" (or none), which is not a period anyone would name.
export function periodOf(c) {
  const p = String(c?.period ?? '').trim();
  return p && !/^0+$/.test(p) ? p : '';
}

// "Grade 3", "Kindergarten" ... from OneRoster grade codes.
export function gradeName(g) {
  if (g === undefined || g === null || g === '') return '';
  const s = String(g).trim();
  if (has(`grade.${s}`)) return t(`grade.${s}`);
  const n = Number(s);
  if (Number.isInteger(n) && n >= 1 && n <= 13) return t('grade.n', { n });
  return t('grade.other', { grade: s });
}

// The short form for a table column: "3", "K", "PK".
export function gradeShort(g) {
  const s = String(g ?? '').trim();
  if (has(`grade.short.${s}`)) return t(`grade.short.${s}`);
  return /^\d+$/.test(s) ? String(Number(s)) : s;
}

// An SVG image from the API as an <img> (a data: URL): it is shown but never
// parsed into the page, so it can carry neither script nor inline style.
export function svgImage(svg, alt, cls) {
  return h('img', { src: 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg), alt, class: cls });
}
