// Devices and hotspots (issue 13), /devices[?school=ID]: for school and district
// administrators. A class is checked out by scanning: choose the class, then scan asset tags
// one after another into one field (a barcode scanner types the tag and Enter); each tag is
// shown with the student it will go to (the next one without a device, in the class list's
// order), and one button lends them all, or none. Devices come back by scanning too. Then the
// overdue hotspots, and the inventory with its filters.
//   GET  /api/v1/home                                  the schools (district administrators)
//   GET  /api/v1/schools/{id}/devices/classes          the classes to scan for
//   GET  /api/v1/classes/{id}/devices                  a class with its students' devices
//   POST /api/v1/classes/{id}/devices/check-out        the scanned tags
//   POST /api/v1/districts/{id}/devices/check-in       one tag
//   GET  /api/v1/districts/{id}/devices?...            the inventory, the overdue hotspots
import { start, api, t, h, onLangChange, errorText, fmtDate, announce, icon, emptyState } from './app.js';

const me = await start({ texts: ['devices'] });
const status = document.getElementById('status');
const content = document.getElementById('content');
const district = me?.district?.id;
const isDistrictAdmin = (me?.roles || []).includes('district_admin');

let schools = []; // [{id, name}]
let school = 0; // the chosen school; 0: every school (district administrators)
let classes = null; // the chosen school's classes
let cls = 0; // the chosen class
let roster = null; // its students with their devices
let scanned = []; // the tags scanned, in order
const filter = { q: '', status: '', type: '', offset: 0 };
let inventory = null;
let overdue = null;

const STATUSES = ['in_stock', 'assigned', 'in_repair', 'lost', 'retired'];
const TYPES = ['chromebook', 'laptop', 'tablet', 'hotspot', 'other'];
const BADGE = { in_stock: 'ok', assigned: 'info', in_repair: 'warning', lost: 'danger', retired: 'not-started' };
const PAGE = 50;
// the columns a phone-sized screen leaves out (devices.css), so the table fits (1.4.10)
const WIDE = new Set(['model', 'type', 'due', 'location']);

const D = () => `/api/v1/districts/${encodeURIComponent(district)}/devices`;
const day = (iso) => (iso ? fmtDate(new Date(`${iso}T00:00:00Z`), { dateStyle: 'medium', timeZone: 'UTC' }) : '');
const refused = (e) => (e.status === 400 || e.status === 404 || e.status === 409) && e.detail ? t('devices.refused', { detail: e.detail }) : errorText(e);

function section(id, heading, iconName, ...children) {
  return h('section', { class: 'dev-section', 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, icon(iconName), h('span', {}, heading)), ...children);
}

function badge(s) {
  return h('span', { class: `badge ${BADGE[s] || 'info'}` }, t(`devices.status.${s}`));
}

function field(id, label, control, hint) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
}

function select(id, value, options, onchange) {
  return h('select', { id, onchange }, options.map(([v, label]) => h('option', { value: String(v), selected: String(v) === String(value) || null }, label)));
}

// ---- the school ----

function schoolPicker() {
  if (schools.length === 1 && !isDistrictAdmin) return h('p', { class: 'lead' }, t('devices.school_one', { school: schools[0].name }));
  const opts = [...(isDistrictAdmin ? [[0, t('devices.all_schools')]] : []), ...schools.map((s) => [s.id, s.name])];
  return field('dev-school', t('devices.school'), select('dev-school', school, opts, async (e) => {
    school = Number(e.target.value);
    cls = 0;
    roster = null;
    scanned = [];
    filter.offset = 0;
    history.replaceState(null, '', school ? `?school=${school}` : location.pathname);
    await loadSchool();
    render();
  }));
}

// ---- checking out a class by scanning ----

// The student each scanned tag will go to: the students without a device, in order.
function pairs() {
  const free = (roster?.students || []).filter((s) => s.devices.length === 0);
  return scanned.map((tag, i) => ({ tag, student: free[i] || null }));
}

function scanList() {
  const list = pairs();
  if (!list.length) return h('p', { class: 'hint', id: 'dev-scan-empty' }, t('devices.scan_none'));
  return h(
    'ol',
    { class: 'dev-scanned', id: 'dev-scanned', 'aria-label': t('devices.scanned', { count: list.length }) },
    list.map((p, i) =>
      h(
        'li',
        {},
        h('span', { class: 'dev-tag' }, p.tag),
        h('span', { class: 'dev-arrow', 'aria-hidden': 'true' }, '→'),
        h('span', { class: p.student ? '' : 'dev-nobody' }, p.student ? p.student.name : t('devices.no_student_left')),
        h('button', { type: 'button', class: 'dev-remove', 'aria-label': t('devices.remove_tag', { tag: p.tag }), onclick: () => {
          scanned.splice(i, 1);
          renderScan();
          document.getElementById('dev-scan')?.focus();
        } }, t('devices.remove')),
      ),
    ),
  );
}

function renderScan() {
  const box = document.getElementById('dev-scan-list');
  if (box) box.replaceChildren(scanList());
  const go = document.getElementById('dev-checkout');
  if (go) {
    go.textContent = t('devices.check_out_n', { count: scanned.length });
    go.disabled = scanned.length === 0;
  }
}

function rosterTable() {
  if (!roster) return null;
  if (!roster.students.length) return emptyState({ icon: 'people', title: t('devices.class_empty'), text: t('devices.class_empty_do') });
  const without = roster.students.filter((s) => s.devices.length === 0).length;
  return h(
    'div',
    {},
    h('p', { class: 'dev-count' }, t('devices.class_counts', { count: roster.students.length, without })),
    h(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'dev-roster-cap' },
      h(
        'table',
        { class: 'table dev-roster' },
        h('caption', { id: 'dev-roster-cap' }, t('devices.roster_caption')),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('devices.col.student')), h('th', { scope: 'col' }, t('devices.col.device')))),
        h('tbody', {}, roster.students.map((s) =>
          h('tr', {}, h('th', { scope: 'row' }, s.name), h('td', {}, s.devices.length ? s.devices.map((d) => h('span', { class: 'dev-tag' }, d.asset_tag)) : h('span', { class: 'dev-none' }, t('devices.none')))))),
      ),
    ),
  );
}

async function onScanKey(e) {
  if (e.key !== 'Enter') return;
  e.preventDefault();
  const input = e.target;
  const tag = input.value.trim();
  input.value = '';
  const msg = document.getElementById('dev-scan-msg');
  if (!tag) return;
  if (scanned.includes(tag)) {
    announce(msg, t('devices.scan_twice', { tag }));
    return;
  }
  scanned.push(tag);
  renderScan();
  const p = pairs().at(-1);
  announce(msg, p.student ? t('devices.scan_added', { tag, name: p.student.name }) : t('devices.scan_added_nobody', { tag }));
}

async function checkOutClass(e) {
  e.preventDefault();
  const err = document.getElementById('dev-scan-error');
  const done = document.getElementById('dev-scan-done');
  err.textContent = '';
  done.textContent = '';
  try {
    const r = await api(`/api/v1/classes/${cls}/devices/check-out`, { method: 'POST', body: { asset_tags: scanned } });
    const n = r.checked_out.length;
    scanned = [];
    roster = { class_id: cls, students: r.students };
    renderClass();
    announce(document.getElementById('dev-scan-done'), t('devices.checked_out', { count: n }));
    loadLists().then(renderLists);
  } catch (x) {
    err.textContent = refused(x);
    err.focus();
  }
}

function classPicker() {
  if (!school) return h('p', { class: 'hint' }, t('devices.choose_school_first'));
  if (!classes) return null;
  const opts = [[0, t('devices.choose_class')], ...classes.map((c) => [c.id, t('devices.class_option', { title: c.title, count: c.students })])];
  return field('dev-class', t('devices.class'), select('dev-class', cls, opts, async (e) => {
    cls = Number(e.target.value);
    scanned = [];
    roster = cls ? await api(`/api/v1/classes/${cls}/devices`).catch(() => null) : null;
    renderClass();
    document.getElementById('dev-class')?.focus();
  }));
}

function classBody() {
  return [
    classPicker(),
    cls && roster
      ? h(
          'form',
          { id: 'dev-scan-form', class: 'dev-scan', novalidate: true, onsubmit: checkOutClass },
          field('dev-scan', t('devices.scan_label'),
            h('input', { id: 'dev-scan', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'dev-scan-hint', onkeydown: onScanKey }),
            t('devices.scan_hint')),
          h('p', { id: 'dev-scan-msg', class: 'hint', role: 'status' }),
          h('div', { id: 'dev-scan-list' }, scanList()),
          h('p', { id: 'dev-scan-error', class: 'field-error', role: 'alert', tabindex: '-1' }),
          h('p', { id: 'dev-scan-done', class: 'notice', role: 'status' }),
          h('p', {}, h('button', { type: 'submit', id: 'dev-checkout', class: 'primary', disabled: scanned.length === 0 || null }, t('devices.check_out_n', { count: scanned.length }))),
        )
      : null,
    rosterTable(),
  ];
}

function renderClass() {
  const box = document.getElementById('dev-class-body');
  if (box) box.replaceChildren(...classBody().filter(Boolean));
}

// ---- checking in ----

async function onCheckInKey(e) {
  if (e.key !== 'Enter') return;
  e.preventDefault();
  const tag = e.target.value.trim();
  e.target.value = '';
  const msg = document.getElementById('dev-in-msg');
  const err = document.getElementById('dev-in-error');
  err.textContent = '';
  if (!tag) return;
  try {
    const before = await api(`${D()}?q=${encodeURIComponent(tag)}&limit=5${school ? `&school=${school}` : ''}`).catch(() => null);
    const d = before?.devices.find((x) => x.asset_tag === tag);
    await api(`${D()}/check-in`, { method: 'POST', body: { asset_tag: tag } });
    announce(msg, d?.holder ? t('devices.checked_in_from', { tag, name: d.holder.name }) : t('devices.checked_in', { tag }));
    if (cls) roster = await api(`/api/v1/classes/${cls}/devices`).catch(() => roster);
    renderClass();
    loadLists().then(renderLists);
  } catch (x) {
    err.textContent = refused(x);
  }
}

// ---- the lists ----

function overdueTable() {
  if (!overdue) return null;
  if (!overdue.devices.length) return emptyState({ icon: 'check-circle', title: t('devices.overdue_none'), text: t('devices.overdue_none_do') });
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'dev-overdue-cap' },
    h(
      'table',
      { class: 'table' },
      h('caption', { id: 'dev-overdue-cap' }, t('devices.overdue_caption', { count: overdue.total })),
      h('thead', {}, h('tr', {}, ['asset_tag', 'holder', 'due', 'plan'].map((k) => h('th', { scope: 'col', class: k === 'plan' ? 'dev-wide' : null }, t(`devices.col.${k}`))))),
      h('tbody', {}, overdue.devices.map((d) =>
        h('tr', {},
          h('th', { scope: 'row' }, h('span', { class: 'dev-tag' }, d.asset_tag)),
          h('td', {}, d.holder?.name || ''),
          h('td', {}, day(d.due_date)),
          h('td', { class: 'dev-wide' }, [d.carrier, d.plan].filter(Boolean).join(' · '))))),
    ),
  );
}

function inventoryForm() {
  return h(
    'form',
    { class: 'dev-filters', role: 'search', 'aria-label': t('devices.filter_label'), onsubmit: async (e) => {
      e.preventDefault();
      filter.q = document.getElementById('dev-q').value.trim();
      filter.status = document.getElementById('dev-status').value;
      filter.type = document.getElementById('dev-type').value;
      filter.offset = 0;
      await loadLists();
      renderLists();
      announce(document.getElementById('dev-inv-msg'), t('devices.found', { count: inventory?.total ?? 0 }));
    } },
    field('dev-q', t('devices.search'), h('input', { id: 'dev-q', type: 'search', value: filter.q, autocomplete: 'off' })),
    field('dev-status', t('devices.status_label'), select('dev-status', filter.status, [['', t('devices.any')], ...STATUSES.map((s) => [s, t(`devices.status.${s}`)])])),
    field('dev-type', t('devices.type_label'), select('dev-type', filter.type, [['', t('devices.any')], ...TYPES.map((s) => [s, t(`devices.type.${s}`)])])),
    h('div', { class: 'field dev-filter-go' }, h('button', { type: 'submit' }, icon('search'), h('span', {}, t('devices.filter')))),
  );
}

function inventoryTable() {
  if (!inventory) return null;
  if (!inventory.devices.length) return emptyState({ icon: 'laptop', title: t('devices.inventory_none'), text: t('devices.inventory_none_do') });
  const cols = ['asset_tag', 'model', 'type', 'status', 'holder', 'due', 'location'];
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'dev-inv-cap' },
      h(
        'table',
        { class: 'table' },
        h('caption', { id: 'dev-inv-cap' }, t('devices.inventory_caption', { shown: inventory.devices.length, count: inventory.total })),
        h('thead', {}, h('tr', {}, cols.map((k) => h('th', { scope: 'col', class: WIDE.has(k) ? 'dev-wide' : null }, t(`devices.col.${k}`))))),
        h('tbody', {}, inventory.devices.map((d) =>
          h('tr', {},
            h('th', { scope: 'row' }, h('span', { class: 'dev-tag' }, d.asset_tag)),
            h('td', { class: 'dev-wide' }, d.model),
            h('td', { class: 'dev-wide' }, t(`devices.type.${d.type}`)),
            h('td', {}, badge(d.status), d.overdue ? [' ', h('span', { class: 'badge danger' }, t('devices.overdue'))] : null),
            h('td', {}, d.holder?.name || ''),
            h('td', { class: 'dev-wide' }, day(d.due_date)),
            h('td', { class: 'dev-wide' }, d.location)))),
      ),
    ),
    inventory.devices.length < inventory.total
      ? h('p', {}, h('button', { type: 'button', id: 'dev-more', onclick: async () => {
          filter.offset += PAGE;
          const more = await api(listPath(filter.offset)).catch(() => null);
          if (more) inventory.devices.push(...more.devices);
          renderLists();
          document.getElementById('dev-more')?.focus();
        } }, t('devices.show_more')))
      : null,
  );
}

function listPath(offset = 0) {
  const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (school) q.set('school', school);
  if (filter.q) q.set('q', filter.q);
  if (filter.status) q.set('status', filter.status);
  if (filter.type) q.set('type', filter.type);
  return `${D()}?${q}`;
}

async function loadLists() {
  const sq = school ? `&school=${school}` : '';
  [inventory, overdue] = await Promise.all([
    api(listPath(0)).catch(() => null),
    api(`${D()}?type=hotspot&overdue=true&limit=100${sq}`).catch(() => null),
  ]);
}

function renderLists() {
  document.getElementById('dev-overdue-body')?.replaceChildren(...[overdueTable()].filter(Boolean));
  document.getElementById('dev-inv-body')?.replaceChildren(...[inventoryTable()].filter(Boolean));
}

async function loadSchool() {
  classes = school ? (await api(`/api/v1/schools/${school}/devices/classes`).catch(() => ({ classes: [] }))).classes : null;
  await loadLists();
}

function render() {
  content.replaceChildren(
    h('p', { class: 'lead' }, t('devices.intro')),
    schoolPicker(),
    section('dev-class', t('devices.class_heading'), 'upc-scan', h('div', { id: 'dev-class-body' }, ...classBody().filter(Boolean))),
    section('dev-in', t('devices.checkin_heading'), 'box-arrow-in-down',
      field('dev-in-tag', t('devices.checkin_label'), h('input', { id: 'dev-in-tag', type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'dev-in-tag-hint', onkeydown: onCheckInKey }), t('devices.checkin_hint')),
      h('p', { id: 'dev-in-error', class: 'field-error', role: 'alert' }),
      h('p', { id: 'dev-in-msg', class: 'notice', role: 'status' })),
    section('dev-overdue', t('devices.overdue_heading'), 'wifi', h('div', { id: 'dev-overdue-body' }, ...[overdueTable()].filter(Boolean))),
    section('dev-inv', t('devices.inventory_heading'), 'laptop', inventoryForm(), h('p', { id: 'dev-inv-msg', class: 'hint', role: 'status' }), h('div', { id: 'dev-inv-body' }, ...[inventoryTable()].filter(Boolean))),
  );
}

async function main() {
  if (!district || !(me.roles || []).some((r) => r === 'school_admin' || r === 'district_admin')) {
    status.textContent = '';
    content.replaceChildren(emptyState({ icon: 'info-circle', title: t('devices.not_for_you'), text: t('devices.not_for_you_do'), level: 'h2' }));
    return;
  }
  if (isDistrictAdmin) {
    const home = await api('/api/v1/home').catch(() => null);
    schools = (home?.schools || []).map((s) => ({ id: s.id, name: s.name }));
  } else {
    schools = (me.schools || []).map((s) => ({ id: s.id, name: s.name }));
  }
  const asked = Number(new URLSearchParams(location.search).get('school'));
  school = schools.some((s) => s.id === asked) ? asked : isDistrictAdmin ? 0 : schools[0]?.id || 0;
  await loadSchool();
  status.textContent = '';
  status.classList.remove('loading');
  render();
}

onLangChange(() => render());
await main();
