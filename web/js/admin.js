// Administration in the browser (docs/API.md "Administration"): one module for the six
// pages, each chosen by its path. /admin lists what this administrator may do;
// /admin-accounts finds people and acts on their logins (give one, a new password,
// unlock, turn off and on, reset the second factor); /admin-roster uploads a OneRoster
// .zip and shows the report or every error as file:line:column; /admin-clients adds API
// clients (the secret shown once) and revokes them; /admin-audit reads the district's
// log (by person, refusals), a student's record of access, and verifies the chain;
// /admin-settings shows the effective settings (secrets never). The server decides who
// may do what (and audits it); this page only hides what would be refused.
import { start, api, t, h, onLangChange, errorText, showNetProblem, fmtNumber, fmtDate, fmtList, announce, roleName, ApiError } from './app.js';

const PAGES = [
  ['overview', '/admin'],
  ['accounts', '/admin-accounts'],
  ['roster', '/admin-roster'],
  ['clients', '/admin-clients'],
  ['audit', '/admin-audit'],
  ['settings', '/admin-settings'],
];
const SCOPES = ['statements/write', 'statements/read/mine', 'statements/read', 'state', 'profile', 'all', 'roster/read', 'roster/write'];

const page = location.pathname.replace(/\.html$/, '').replace(/^\/admin-?/, '') || 'overview';
const status = document.getElementById('status');
const content = document.getElementById('content');
const subnav = document.getElementById('subnav');
const params = new URLSearchParams(location.search);

const me = await start({ texts: ['admin'] });
const roles = me?.roles || [];
const districtAdmin = roles.includes('district_admin');
const schoolAdmin = roles.includes('school_admin');
const districtId = me?.district?.id;
const mySchools = me?.schools || [];

function allowed(p) {
  if (districtAdmin) return true;
  return schoolAdmin && ['overview', 'accounts', 'audit'].includes(p);
}

// ---- small helpers ----

// An element whose text is the catalog message key (kept in the page's language by
// app.js's translate() when the language changes).
function tx(tag, key, attrs = {}) {
  return h(tag, { ...attrs, 'data-i18n': key }, t(key));
}

// The server's own words after ours: a 400 names the field it did not accept.
function problem(e) {
  const s = errorText(e);
  return e.detail && e.status >= 400 && e.status < 500 && e.code !== 'second_factor_required' ? `${s} ${e.detail}` : s;
}

function when(iso, style = { dateStyle: 'medium', timeStyle: 'short' }) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : fmtDate(d, style);
}

function peoplePath(schoolId) {
  return districtAdmin ? `/api/v1/districts/${districtId}/people` : `/api/v1/schools/${schoolId}/people`;
}

// A wide table scrolls sideways on a phone; the region can be scrolled by keyboard.
function scroller(labelKey, table) {
  return h('div', { class: 'admin-scroll', role: 'region', tabindex: '0', 'aria-label': t(labelKey), 'data-i18n-label': labelKey }, table);
}

// An icon from the sprite (Bootstrap Icons, scripts/web-vendor/icons.txt), beside a text that names it.
const SVG = 'http://www.w3.org/2000/svg';
const ICONS = { accounts: 'person-gear', roster: 'file-earmark-zip', clients: 'key', audit: 'journal-text', settings: 'sliders' };
function icon(name) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'icon admin-icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const use = document.createElementNS(SVG, 'use');
  use.setAttribute('href', `/vendor/icons.svg#${name}`);
  svg.append(use);
  return svg;
}

function renderSubnav() {
  if (!allowed('overview')) return;
  subnav.replaceChildren(
    h(
      'ul',
      {},
      PAGES.filter(([p]) => allowed(p)).map(([p, href]) =>
        h('li', {}, h('a', { href, 'aria-current': p === page ? 'page' : null, 'data-i18n': `admin.page.${p}` }, t(`admin.page.${p}`))),
      ),
    ),
  );
  subnav.hidden = false;
}

function setTitle() {
  document.title = t(`admin.title.${page}`);
}

// ---- /admin ----

function overview() {
  const render = () => {
    content.replaceChildren(
      h('p', { class: 'lead' }, t(districtAdmin ? 'admin.overview.intro_district' : 'admin.overview.intro_school')),
      h(
        'ul',
        { class: 'tiles' },
        PAGES.filter(([p]) => p !== 'overview' && allowed(p)).map(([p, href]) =>
          h('li', { class: 'tile admin-tile' }, h('h2', { class: 'tile-title' }, h('a', { href }, icon(ICONS[p]), t(`admin.page.${p}`))), h('p', {}, t(!districtAdmin && p === 'audit' ? 'admin.overview.audit_school' : `admin.overview.${p}`))),
        ),
      ),
    );
  };
  onLangChange(render);
  render();
}

// ---- /admin-accounts ----

function loginState(p) {
  const l = p.login;
  if (!l) return t('admin.accounts.no_login');
  const bits = [];
  const wait = l.failed_logins?.wait_until ? new Date(l.failed_logins.wait_until) : null;
  if (l.disabled) bits.push(t('admin.accounts.state_off'));
  else if (wait && wait > new Date()) bits.push(t('admin.accounts.state_locked', { time: when(l.failed_logins.wait_until, { timeStyle: 'short' }) }));
  else bits.push(t('admin.accounts.state_on'));
  if (l.failed_logins?.count) bits.push(t('admin.accounts.failed', { count: l.failed_logins.count }));
  if (l.mfa) bits.push(t('admin.accounts.mfa_on'));
  if (!l.password) bits.push(t('admin.accounts.no_password'));
  if (l.last_login_at) bits.push(t('admin.accounts.last_login', { time: when(l.last_login_at) }));
  return bits.join(' · ');
}

function accounts() {
  const state = { q: params.get('q') || '', school: mySchools[0]?.id, offset: 0, data: null, result: null, error: null };
  const q = h('input', { id: 'acct-q', name: 'q', type: 'search', maxlength: '100', value: state.q, 'aria-describedby': 'acct-q-hint' });
  const schoolSel = !districtAdmin && mySchools.length > 1
    ? h('select', { id: 'acct-school', name: 'school' }, mySchools.map((s) => h('option', { value: s.id }, s.name)))
    : null;
  const form = h(
    'form',
    { class: 'admin-find', role: 'search' },
    h('div', { class: 'field' }, tx('label', 'admin.accounts.find_label', { for: 'acct-q' }), q, tx('p', 'admin.accounts.find_hint', { class: 'hint', id: 'acct-q-hint' })),
    schoolSel ? h('div', { class: 'field' }, tx('label', 'admin.accounts.school_label', { for: 'acct-school' }), schoolSel) : null,
    tx('button', 'admin.accounts.find', { type: 'submit', class: 'primary' }),
  );
  const result = h('div', { id: 'acct-result', class: 'admin-result', role: 'status' });
  const list = h('div', { id: 'acct-list' });
  content.replaceChildren(form, result, list);

  function paintResult() {
    const r = state.result;
    if (!r) {
      result.replaceChildren();
      return;
    }
    if (r.error) {
      result.replaceChildren(h('p', { class: 'alert' }, r.error()));
      return;
    }
    const parts = [h('p', { class: 'admin-done' }, t(`admin.accounts.done_${r.action}`, { name: r.name }))];
    if (r.password) {
      parts.push(
        h(
          'dl',
          { class: 'facts admin-secret' },
          h('div', {}, h('dt', {}, t('admin.accounts.username')), h('dd', {}, h('code', {}, r.username))),
          h('div', {}, h('dt', {}, t('admin.accounts.password')), h('dd', {}, h('code', { class: 'secret' }, r.password))),
        ),
        h('p', {}, t('admin.accounts.password_once')),
      );
    }
    result.replaceChildren(h('div', { class: r.password ? 'panel warn' : 'panel' }, ...parts));
  }

  async function act(p, action) {
    const acct = p.login?.account_id;
    const paths = {
      login: `/api/v1/users/${p.id}/login`,
      password: `/api/v1/accounts/${acct}/password`,
      unlock: `/api/v1/accounts/${acct}/unlock`,
      disable: `/api/v1/accounts/${acct}/disable`,
      enable: `/api/v1/accounts/${acct}/enable`,
      mfa: `/api/v1/accounts/${acct}/second-factor/reset`,
    };
    state.result = null;
    paintResult();
    let r;
    try {
      r = await api(paths[action], { method: 'POST' });
    } catch (e) {
      state.result = { error: () => problem(e) };
      paintResult();
      if (e.network) showNetProblem('failed');
      return;
    }
    state.result = { action, name: p.name, username: r?.username || p.login?.login || p.username, password: r?.password };
    await load(false);
    paintResult();
    result.querySelector('p')?.setAttribute('tabindex', '-1');
    result.querySelector('p')?.focus();
  }

  // Each button's name is its text and the person's (the row's header): "Unlock Ana Ruiz".
  function button(p, i, action) {
    const id = `acct-${action}-${i}`;
    return h(
      'button',
      { type: 'button', id, 'aria-labelledby': `${id} acct-n-${i}`, class: action === 'disable' || action === 'mfa' ? 'quiet admin-danger' : 'quiet', 'data-action': action, onclick: () => act(p, action) },
      t(`admin.accounts.act_${action}`),
    );
  }

  function actions(p, i) {
    const out = [];
    if (p.can_manage && p.id && !p.login) out.push(button(p, i, 'login'));
    if (p.can_manage && p.login) {
      out.push(button(p, i, 'password'));
      if (p.login.failed_logins?.count || p.login.failed_logins?.wait_until) out.push(button(p, i, 'unlock'));
      out.push(button(p, i, p.login.disabled ? 'enable' : 'disable'));
      if (p.login.mfa) out.push(button(p, i, 'mfa'));
    }
    if (districtAdmin && p.login)
      out.push(h('a', { class: 'button quiet', id: `acct-log-${i}`, 'aria-labelledby': `acct-log-${i} acct-n-${i}`, href: `/admin-audit?actor=${encodeURIComponent(p.login.login)}` }, t('admin.accounts.their_log')));
    if (p.role === 'student' && p.id)
      out.push(h('a', { class: 'button quiet', id: `acct-record-${i}`, 'aria-labelledby': `acct-record-${i} acct-n-${i}`, href: `/admin-audit?student=${p.id}&name=${encodeURIComponent(p.name)}` }, t('admin.accounts.record')));
    if (!out.length) out.push(h('span', { class: 'meta' }, t('admin.accounts.nothing_here')));
    return h('div', { class: 'admin-actions' }, out);
  }

  function paintList() {
    const d = state.data;
    if (state.error) {
      list.replaceChildren(h('p', { class: 'alert' }, state.error()));
      return;
    }
    if (!d) return;
    if (!d.people.length) {
      list.replaceChildren(h('p', { class: 'empty' }, t(state.q ? 'admin.accounts.none_found' : 'admin.accounts.none')));
      return;
    }
    const table = h(
      'table',
      { class: 'roster admin-table admin-people' },
      h('caption', { class: 'sr-only' }, t('admin.accounts.caption', { count: d.people.length })),
      h('thead', {}, h('tr', {}, ['name', 'username', 'role', 'school', 'login', 'actions'].map((c) => h('th', { scope: 'col' }, t(`admin.accounts.col_${c}`))))),
      h(
        'tbody',
        {},
        d.people.map((p, i) =>
          h(
            'tr',
            { 'data-username': p.username },
            h('th', { scope: 'row', id: `acct-n-${i}` }, p.name, p.active ? null : h('span', { class: 'meta' }, ' · ' + t('admin.accounts.inactive'))),
            h('td', { class: 'username', 'data-label': t('admin.accounts.col_username') }, p.username),
            h('td', { 'data-label': t('admin.accounts.col_role') }, p.role ? roleName(p.role) : '', p.administrator && p.role !== 'district_admin' && p.role !== 'school_admin' ? ' · ' + t('admin.accounts.administrator') : ''),
            h('td', { 'data-label': t('admin.accounts.col_school') }, p.school?.name || ''),
            h('td', { 'data-label': t('admin.accounts.col_login') }, loginState(p)),
            h('td', { class: 'admin-row-actions' }, actions(p, i)),
          ),
        ),
      ),
    );
    const nav = h(
      'p',
      { class: 'actions' },
      state.offset > 0 ? h('button', { type: 'button', class: 'quiet', onclick: () => page2(-1) }, t('admin.accounts.prev')) : null,
      h('span', { class: 'meta' }, t('admin.accounts.showing', { from: state.offset + 1, to: state.offset + d.people.length })),
      d.more ? h('button', { type: 'button', class: 'quiet', onclick: () => page2(1) }, t('admin.accounts.next')) : null,
    );
    list.replaceChildren(scroller('admin.accounts.table_label', table), nav);
  }

  async function page2(dir) {
    state.offset = Math.max(0, state.offset + dir * 25);
    await load();
  }

  async function load(announceIt = true) {
    if (announceIt) status.textContent = t('common.loading');
    const u = new URLSearchParams({ limit: '25', offset: String(state.offset) });
    if (state.q) u.set('q', state.q);
    try {
      state.data = await api(`${peoplePath(state.school)}?${u}`);
      state.error = null;
    } catch (e) {
      state.data = null;
      state.error = () => problem(e);
      if (e.network) showNetProblem('failed', load);
    }
    status.textContent = '';
    paintList();
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.q = q.value.trim();
    state.offset = 0;
    state.result = null;
    paintResult();
    if (schoolSel) state.school = schoolSel.value;
    load();
  });
  onLangChange(() => {
    paintList();
    paintResult();
  });
  return load();
}

// ---- /admin-roster ----

function roster() {
  let report = null; // {ok, body} or {error}
  const file = h('input', { id: 'roster-file', name: 'file', type: 'file', accept: '.zip,application/zip', required: true, 'aria-describedby': 'roster-hint roster-file-err' });
  const fileErr = h('p', { id: 'roster-file-err', class: 'field-error', role: 'alert' });
  const button = tx('button', 'admin.roster.upload', { type: 'submit', class: 'primary' });
  const form = h(
    'form',
    { novalidate: true },
    tx('p', 'admin.roster.intro', { class: 'lead' }),
    h('div', { class: 'field' }, tx('label', 'admin.roster.file_label', { for: 'roster-file' }), file, tx('p', 'admin.roster.hint', { class: 'hint', id: 'roster-hint' }), fileErr),
    button,
  );
  const out = h('div', { id: 'roster-report', tabindex: '-1' });
  content.replaceChildren(form, out);
  status.textContent = '';

  function paint() {
    if (!report) {
      out.replaceChildren();
      return;
    }
    if (report.error) {
      out.replaceChildren(h('p', { class: 'alert' }, report.error()));
      return;
    }
    const b = report.body;
    const parts = [];
    if (report.ok) {
      parts.push(h('h2', { id: 'roster-h' }, t('admin.roster.done')));
      if (b.district) parts.push(h('p', {}, t(b.district.created ? 'admin.roster.district_new' : 'admin.roster.district', { name: b.district.name || b.district.sourcedId })));
    } else {
      const n = (b.errors?.length || 0) + (b.more_errors || 0);
      parts.push(h('h2', { id: 'roster-h' }, t('admin.roster.failed', { count: n })));
      parts.push(h('p', { class: 'alert' }, t('admin.roster.nothing_imported')));
      parts.push(h('ol', { class: 'admin-errors', lang: 'en' }, (b.errors || []).map((e) => h('li', {}, h('code', {}, e)))));
      if (b.more_errors) parts.push(h('p', { class: 'meta' }, t('admin.roster.more_errors', { count: b.more_errors })));
    }
    const files = Object.entries(b.files || {});
    if (report.ok && files.length) {
      const cols = ['mode', 'rows', 'created', 'updated', 'unchanged', 'deactivated'];
      parts.push(
        scroller(
          'admin.roster.files_label',
          h(
            'table',
            { class: 'roster admin-table' },
            h('caption', {}, t('admin.roster.files_caption')),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('admin.roster.col_file')), cols.map((c) => h('th', { scope: 'col' }, t(`admin.roster.col_${c}`))))),
            h(
              'tbody',
              {},
              files.map(([name, f]) =>
                h('tr', {}, h('th', { scope: 'row' }, h('code', {}, name)), h('td', {}, t(`admin.roster.mode_${f.mode}`)), ['rows', 'created', 'updated', 'unchanged', 'deactivated'].map((c) => h('td', { class: 'num' }, fmtNumber(f[c] ?? 0)))),
              ),
            ),
          ),
        ),
      );
    }
    if (b.warnings?.length) {
      parts.push(h('h3', {}, t('admin.roster.warnings', { count: b.warnings.length })));
      parts.push(h('ul', { class: 'admin-errors', lang: 'en' }, b.warnings.map((w) => h('li', {}, h('code', {}, w)))));
    }
    out.replaceChildren(...parts);
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = file.files?.[0];
    fileErr.textContent = '';
    file.removeAttribute('aria-invalid');
    if (!f) {
      file.setAttribute('aria-invalid', 'true');
      announce(fileErr, t('admin.roster.need_file'));
      file.focus();
      return;
    }
    button.setAttribute('aria-disabled', 'true');
    status.textContent = t('admin.roster.uploading');
    report = null;
    paint();
    try {
      const r = await fetch(`/api/v1/districts/${districtId}/roster/imports`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/zip', Accept: 'application/json', 'X-CSRF-Token': me.csrf_token || '' },
        body: f,
        credentials: 'same-origin',
      });
      let body = null;
      try {
        body = await r.json();
      } catch {
        body = null;
      }
      if (r.ok) report = { ok: true, body };
      else if (body && Array.isArray(body.errors) && body.errors.length) report = { ok: false, body };
      else {
        const e = new ApiError(r.status, body);
        report = { error: () => problem(e) };
      }
    } catch {
      const e = new ApiError(0, null, true);
      report = { error: () => problem(e) };
    }
    button.removeAttribute('aria-disabled');
    status.textContent = '';
    paint();
    out.focus();
  });
  onLangChange(paint);
}

// ---- /admin-clients ----

function clients() {
  const path = `/api/v1/districts/${districtId}/clients`;
  let list = null;
  let listError = null;
  let made = null; // the client just added, with its secret (shown once)
  let message = null;
  const name = h('input', { id: 'client-name', name: 'name', type: 'text', maxlength: '100', required: true, 'aria-describedby': 'client-name-err' });
  const nameErr = h('p', { id: 'client-name-err', class: 'field-error', role: 'alert' });
  const scopeErr = h('p', { id: 'client-scopes-err', class: 'field-error', role: 'alert' });
  const boxes = SCOPES.map((s, i) => h('input', { type: 'checkbox', id: `scope-${i}`, name: 'scope', value: s }));
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'client-add-h' },
    tx('h2', 'admin.clients.add_heading', { id: 'client-add-h' }),
    h('div', { class: 'field' }, tx('label', 'admin.clients.name_label', { for: 'client-name' }), name, nameErr),
    h(
      'fieldset',
      { class: 'admin-scopes', 'aria-describedby': 'client-scopes-err' },
      tx('legend', 'admin.clients.scopes_label'),
      SCOPES.map((s, i) => h('div', { class: 'check' }, boxes[i], h('label', { for: `scope-${i}` }, h('code', {}, s), ' ', h('span', { 'data-i18n': `admin.clients.scope.${s}` }, t(`admin.clients.scope.${s}`))))),
      scopeErr,
    ),
    tx('button', 'admin.clients.add', { type: 'submit', class: 'primary' }),
  );
  const secret = h('div', { id: 'client-secret', tabindex: '-1' });
  const listBox = h('section', { 'aria-labelledby': 'client-list-h' });
  const msg = h('div', { class: 'admin-result', role: 'status' });
  content.replaceChildren(secret, msg, listBox, form);

  function paintSecret() {
    if (!made) {
      secret.replaceChildren();
      return;
    }
    secret.replaceChildren(
      h(
        'section',
        { class: 'panel warn', 'aria-labelledby': 'secret-h' },
        h('h2', { id: 'secret-h' }, t('admin.clients.secret_heading', { name: made.name })),
        h(
          'dl',
          { class: 'facts admin-secret' },
          h('div', {}, h('dt', {}, t('admin.clients.key')), h('dd', {}, h('code', { id: 'client-key' }, made.key))),
          h('div', {}, h('dt', {}, t('admin.clients.secret')), h('dd', {}, h('code', { id: 'client-secret-value', class: 'secret' }, made.secret))),
          h('div', {}, h('dt', {}, t('admin.clients.scopes')), h('dd', {}, fmtList(made.scopes))),
        ),
        h('p', {}, t('admin.clients.secret_once')),
        h('p', {}, h('button', { type: 'button', onclick: () => { made = null; paintSecret(); name.focus(); } }, t('admin.clients.secret_done'))),
      ),
    );
  }

  function paintList() {
    msg.replaceChildren(message ? h('p', { class: message.error ? 'alert' : 'notice' }, message.text()) : '');
    const head = h('h2', { id: 'client-list-h' }, t('admin.clients.list_heading'));
    if (listError) {
      listBox.replaceChildren(head, h('p', { class: 'alert' }, listError()));
      return;
    }
    if (!list) return;
    if (!list.length) {
      listBox.replaceChildren(head, h('p', { class: 'empty' }, t('admin.clients.none')));
      return;
    }
    const table = h(
      'table',
      { class: 'roster admin-table' },
      h('caption', { class: 'sr-only' }, t('admin.clients.list_heading')),
      h('thead', {}, h('tr', {}, ['name', 'key', 'scopes', 'created', 'state'].map((c) => h('th', { scope: 'col' }, t(`admin.clients.col_${c}`))))),
      h(
        'tbody',
        {},
        list.map((c, i) =>
          h(
            'tr',
            { 'data-key': c.key },
            h('th', { scope: 'row', id: `client-n-${i}` }, c.name),
            h('td', {}, h('code', {}, c.key)),
            h('td', {}, fmtList(c.scopes || [])),
            h('td', {}, when(c.created, { dateStyle: 'medium' })),
            h(
              'td',
              {},
              c.revoked
                ? h('span', { class: 'state off' }, t('admin.clients.revoked', { date: when(c.revoked, { dateStyle: 'medium' }) }))
                : h(
                    'div',
                    { class: 'admin-actions' },
                    h('span', { class: 'state on' }, t('admin.clients.active')),
                    h('button', { type: 'button', id: `client-revoke-${i}`, 'aria-labelledby': `client-revoke-${i} client-n-${i}`, class: 'quiet admin-danger', 'data-action': 'revoke', onclick: () => revoke(c) }, t('admin.clients.revoke')),
                  ),
            ),
          ),
        ),
      ),
    );
    listBox.replaceChildren(head, scroller('admin.clients.list_heading', table));
  }

  async function load() {
    try {
      list = (await api(path)).clients;
      listError = null;
    } catch (e) {
      listError = () => problem(e);
      if (e.network) showNetProblem('failed', load);
    }
    status.textContent = '';
    paintList();
  }

  async function revoke(c) {
    message = null;
    try {
      await api(`${path}/${encodeURIComponent(c.key)}/revoke`, { method: 'POST' });
      message = { text: () => t('admin.clients.revoked_done', { name: c.name }) };
    } catch (e) {
      message = { error: true, text: () => problem(e) };
    }
    await load();
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const scopes = boxes.filter((b) => b.checked).map((b) => b.value);
    nameErr.textContent = '';
    scopeErr.textContent = '';
    name.removeAttribute('aria-invalid');
    if (!name.value.trim()) {
      name.setAttribute('aria-invalid', 'true');
      announce(nameErr, t('admin.clients.need_name'));
      name.focus();
      return;
    }
    if (!scopes.length) {
      announce(scopeErr, t('admin.clients.need_scope'));
      boxes[0].focus();
      return;
    }
    message = null;
    try {
      made = await api(path, { method: 'POST', body: { name: name.value.trim(), scopes } });
    } catch (e) {
      message = { error: true, text: () => problem(e) };
      paintList();
      return;
    }
    name.value = '';
    for (const b of boxes) b.checked = false;
    paintSecret();
    secret.focus();
    await load();
  });
  onLangChange(() => {
    paintSecret();
    paintList();
  });
  return load();
}

// ---- /admin-audit ----

function entriesTable(entries, labelKey) {
  const outcome = (e) =>
    e.outcome === 'denied' || e.action === 'denied'
      ? h('span', { class: 'state off' }, t('admin.audit.denied'))
      : e.outcome === 'failed'
        ? h('span', { class: 'state off' }, t('admin.audit.failed'))
        : t('admin.audit.allowed');
  return scroller(
    labelKey,
    h(
      'table',
      { class: 'roster admin-table admin-audit' },
      h('caption', { class: 'sr-only' }, t(labelKey)),
      h('thead', {}, h('tr', {}, ['at', 'actor', 'action', 'object', 'outcome', 'detail'].map((c) => h('th', { scope: 'col' }, t(`admin.audit.col_${c}`))))),
      h(
        'tbody',
        {},
        entries.map((e) =>
          h(
            'tr',
            { 'data-seq': e.seq },
            h('td', {}, h('time', { datetime: e.at }, when(e.at, { dateStyle: 'short', timeStyle: 'medium' }))),
            h('td', {}, e.actor?.name || e.actor?.kind || '', e.actor?.kind && e.actor.kind !== 'user' ? h('span', { class: 'meta' }, ` (${e.actor.kind})`) : null),
            h('td', {}, h('code', {}, e.action)),
            h('td', {}, h('code', {}, e.object), e.subjects?.length ? h('span', { class: 'meta' }, ' · ' + t('admin.audit.subjects', { count: e.subjects.length })) : null),
            h('td', {}, outcome(e)),
            h('td', { class: 'admin-detail', lang: 'en' }, e.detail, e.purpose ? h('span', { class: 'meta' }, ` — ${e.purpose}`) : null),
          ),
        ),
      ),
    ),
  );
}

function audit() {
  const student = params.get('student');
  const studentName = params.get('name') || '';
  const parts = [];
  let log = null; // {entries, more, before, error, filters}
  let record = null; // a student's record of access
  let verify = null;
  let found = null; // students found by the search

  // a district's log, with its filters, and verifying the chain
  const actor = h('input', { id: 'audit-actor', name: 'actor', type: 'text', maxlength: '100', value: params.get('actor') || '', autocomplete: 'off', 'aria-describedby': 'audit-actor-hint' });
  const denials = h('input', { id: 'audit-denials', name: 'denials', type: 'checkbox' });
  if (params.get('denials') === 'true') denials.checked = true;
  const logBox = h('div', { id: 'audit-log' });
  const verifyBox = h('div', { id: 'audit-verify', role: 'status' });
  if (districtAdmin) {
    parts.push(
      h(
        'section',
        { 'aria-labelledby': 'audit-verify-h' },
        tx('h2', 'admin.audit.verify_heading', { id: 'audit-verify-h' }),
        tx('p', 'admin.audit.verify_text'),
        h('p', {}, tx('button', 'admin.audit.verify', { type: 'button', id: 'audit-verify-btn', onclick: doVerify })),
        verifyBox,
      ),
      h(
        'section',
        { 'aria-labelledby': 'audit-log-h' },
        tx('h2', 'admin.audit.log_heading', { id: 'audit-log-h' }),
        h(
          'form',
          { class: 'admin-find', id: 'audit-filter' },
          h('div', { class: 'field' }, tx('label', 'admin.audit.actor_label', { for: 'audit-actor' }), actor, tx('p', 'admin.audit.actor_hint', { class: 'hint', id: 'audit-actor-hint' })),
          h('div', { class: 'check' }, denials, tx('label', 'admin.audit.denials_label', { for: 'audit-denials' })),
          tx('button', 'admin.audit.show', { type: 'submit', class: 'primary' }),
        ),
        logBox,
      ),
    );
  }
  // a student's record of access
  const sq = h('input', { id: 'audit-student-q', name: 'q', type: 'search', maxlength: '100' });
  const foundBox = h('div', { id: 'audit-found' });
  const recordBox = h('div', { id: 'audit-record' });
  parts.unshift(
    h(
      'section',
      { 'aria-labelledby': 'audit-student-h' },
      tx('h2', 'admin.audit.student_heading', { id: 'audit-student-h' }),
      tx('p', 'admin.audit.student_text'),
      h(
        'form',
        { class: 'admin-find', role: 'search', id: 'audit-student-form' },
        h('div', { class: 'field' }, tx('label', 'admin.audit.student_label', { for: 'audit-student-q' }), sq),
        tx('button', 'admin.audit.find', { type: 'submit' }),
      ),
      foundBox,
      recordBox,
    ),
  );
  content.replaceChildren(...parts);

  function paintFound() {
    if (!found) return foundBox.replaceChildren();
    if (found.error) return foundBox.replaceChildren(h('p', { class: 'alert' }, found.error()));
    if (!found.people.length) return foundBox.replaceChildren(h('p', { class: 'empty' }, t('admin.audit.no_students')));
    foundBox.replaceChildren(
      h('ul', { class: 'plain' }, found.people.map((p) =>
        h('li', {}, h('a', { class: 'block-link', href: `/admin-audit?student=${p.id}&name=${encodeURIComponent(p.name)}` }, t('admin.audit.record_of', { name: p.name })), p.school ? h('span', { class: 'meta' }, ` · ${p.school.name}`) : null))),
    );
  }

  function paintRecord() {
    if (!student) return;
    const head = h('h3', { id: 'audit-record-h', tabindex: '-1' }, t('admin.audit.record_heading', { name: studentName || `#${student}` }));
    if (!record) return recordBox.replaceChildren(head);
    if (record.error) return recordBox.replaceChildren(head, h('p', { class: 'alert' }, record.error()));
    recordBox.replaceChildren(
      head,
      record.entries.length ? entriesTable(record.entries, 'admin.audit.record_label') : h('p', { class: 'empty' }, t('admin.audit.record_empty')),
      record.more ? h('p', {}, h('button', { type: 'button', class: 'quiet', onclick: () => loadRecord(true) }, t('admin.audit.older'))) : '',
    );
  }

  function paintLog() {
    if (!log) return;
    if (log.error) return logBox.replaceChildren(h('p', { class: 'alert' }, log.error()));
    logBox.replaceChildren(
      h('p', { class: 'meta' }, t('admin.audit.showing', { count: log.entries.length })),
      log.entries.length ? entriesTable(log.entries, 'admin.audit.log_label') : h('p', { class: 'empty' }, t('admin.audit.log_empty')),
      log.more ? h('p', {}, h('button', { type: 'button', class: 'quiet', onclick: () => loadLog(true) }, t('admin.audit.older'))) : '',
    );
  }

  function paintVerify() {
    if (!verify) return verifyBox.replaceChildren();
    if (verify.error) return verifyBox.replaceChildren(h('p', { class: 'alert' }, verify.error()));
    const v = verify.body;
    verifyBox.replaceChildren(
      h(
        'div',
        { class: v.intact ? 'panel' : 'panel warn' },
        h('p', { class: v.intact ? 'state on' : 'state off' }, t(v.intact ? 'admin.audit.intact' : 'admin.audit.broken', { count: v.entries, problems: v.problem_count })),
        v.problems?.length ? h('ul', { class: 'admin-errors', lang: 'en' }, v.problems.map((p) => h('li', {}, h('code', {}, p)))) : null,
        v.first_bad_entry ? h('p', {}, t('admin.audit.first_bad', { id: v.first_bad_entry })) : null,
      ),
    );
  }

  async function doVerify() {
    verify = null;
    paintVerify();
    status.textContent = t('admin.audit.verifying');
    try {
      verify = { body: await api(`/api/v1/districts/${districtId}/audit/verify`, { method: 'POST', timeout: 120000 }) };
    } catch (e) {
      verify = { error: () => problem(e) };
    }
    status.textContent = '';
    paintVerify();
  }

  async function loadLog(more = false) {
    const u = new URLSearchParams({ limit: '50' });
    const who = actor.value.trim();
    if (who) u.set('actor', who);
    if (denials.checked) u.set('denials', 'true');
    if (more && log?.before) u.set('before', String(log.before));
    try {
      const r = await api(`/api/v1/districts/${districtId}/audit?${u}`);
      log = { entries: more ? [...log.entries, ...r.entries] : r.entries, more: r.more, before: r.before };
    } catch (e) {
      log = { error: () => problem(e) };
    }
    paintLog();
  }

  async function loadRecord(more = false) {
    const u = new URLSearchParams({ limit: '50' });
    if (more && record?.before) u.set('before', String(record.before));
    try {
      const r = await api(`/api/v1/users/${encodeURIComponent(student)}/audit?${u}`);
      record = { entries: more ? [...record.entries, ...r.entries] : r.entries, more: r.more, before: r.before };
    } catch (e) {
      record = { error: () => problem(e) };
    }
    paintRecord();
  }

  content.querySelector('#audit-student-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const u = new URLSearchParams({ limit: '25', q: sq.value.trim() });
    try {
      const r = await api(`${peoplePath(mySchools[0]?.id)}?${u}`);
      found = { people: r.people.filter((p) => p.role === 'student' && p.id) };
    } catch (e) {
      found = { error: () => problem(e) };
    }
    paintFound();
  });
  content.querySelector('#audit-filter')?.addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadLog();
  });
  onLangChange(() => {
    paintFound();
    paintRecord();
    paintLog();
    paintVerify();
  });
  const loads = [];
  if (student) loads.push(loadRecord());
  if (districtAdmin) loads.push(loadLog());
  return Promise.all(loads).then(() => {
    status.textContent = '';
    if (student) recordBox.querySelector('h3')?.focus();
  });
}

// ---- /admin-settings ----

function settings() {
  let s = null;
  let error = null;
  function paint() {
    if (error) return content.replaceChildren(h('p', { class: 'alert' }, error()));
    if (!s) return;
    const table = h(
      'table',
      { class: 'roster admin-table' },
      h('caption', { class: 'sr-only' }, t('admin.settings.table_label')),
      h('thead', {}, h('tr', {}, ['name', 'value', 'source', 'help'].map((c) => h('th', { scope: 'col' }, t(`admin.settings.col_${c}`))))),
      h(
        'tbody',
        {},
        s.settings.map((x) =>
          h(
            'tr',
            { 'data-name': x.name },
            h('th', { scope: 'row' }, h('code', {}, x.name)),
            h('td', {}, x.secret ? h('span', {}, h('code', {}, String(x.value)), ' ', h('span', { class: 'meta' }, t('admin.settings.secret'))) : h('code', {}, String(x.value))),
            h('td', {}, ['default', 'file', 'env', 'flag'].includes(x.source) ? t(`admin.settings.source.${x.source}`) : x.source),
            h('td', { lang: 'en' }, x.help),
          ),
        ),
      ),
    );
    content.replaceChildren(
      h(
        'dl',
        { class: 'facts' },
        h('div', {}, h('dt', {}, t('admin.settings.version')), h('dd', {}, s.version)),
        h('div', {}, h('dt', {}, t('admin.settings.schema')), h('dd', {}, String(s.schema))),
        h('div', {}, h('dt', {}, t('admin.settings.store')), h('dd', {}, s.store)),
      ),
      h('p', {}, t('admin.settings.intro')),
      scroller('admin.settings.table_label', table),
    );
  }
  onLangChange(paint);
  return api(`/api/v1/districts/${districtId}/settings`)
    .then((r) => {
      s = r;
    })
    .catch((e) => {
      error = () => problem(e);
      if (e.network) showNetProblem('failed', () => location.reload());
    })
    .then(() => {
      status.textContent = '';
      paint();
    });
}

// ---- start ----

setTitle();
onLangChange(setTitle);
renderSubnav();
if (!allowed(page)) {
  status.textContent = '';
  const paint = () => content.replaceChildren(h('p', { class: 'empty' }, t('admin.not_allowed')), h('p', {}, h('a', { href: '/' }, t('common.back_home'))));
  onLangChange(paint);
  paint();
} else {
  const pages = { overview, accounts, roster, clients, audit, settings };
  await pages[page]();
  if (page === 'overview' || page === 'roster') status.textContent = '';
}
