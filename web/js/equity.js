// The equity dashboard (issue 13), /equity?district=ID or /equity?school=ID[&weeks=W], for
// school and district administrators (the server decides who may read what):
//   GET /api/v1/{districts|schools}/{id}/equity?weeks=W   home access by school and grade,
//                                                         the join with learning (Welch 95%)
//   GET /api/v1/{districts|schools}/{id}/equity.csv       (a link) the figures by state plan objective
//   GET /api/v1/{districts|schools}/{id}/overview?weeks=1  the students enrolled (devices per student)
//   GET /api/v1/districts/{d}/devices?...[&school=ID]      counts only (limit=1: its `total`),
//                                                         and the hotspots, counted here
// Only figures these answers give: nothing is estimated or made up. A cell the server hid
// (small-cell suppression) says "Hidden" on a hatch with a link to the rule, as the school
// and district views do (their classes, school-*, from css/school.css; ours: equity-*).
import { start, api, t, h, fmtNumber, gradeName, currentLang, onLangChange, errorText, showNetProblem } from './app.js';

const WEEKS = [4, 8, 12, 26];
const title = document.getElementById('title');
const status = document.getElementById('status');
const content = document.getElementById('content');
const params = new URLSearchParams(location.search);
const scope = params.has('school') ? 'school' : 'district';
const id = params.get(scope) || '';
const weeks = WEEKS.includes(Number(params.get('weeks'))) ? Number(params.get('weeks')) : 4;
const RULE = 'equity-rule';

const me = await start({ texts: ['equity'] });
let eq = null; // the equity answer
let students = null; // enrolled today: a number, or null when not known (hidden, refused)
let dev = null; // the device counts, or null when the devices could not be read

// ---- formatting ----

function num(x, digits = 1, min = 0) {
  return new Intl.NumberFormat(currentLang(), { maximumFractionDigits: digits, minimumFractionDigits: min }).format(x);
}

function pct(share) {
  return new Intl.NumberFormat(currentLang(), { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

function hiddenMark() {
  return h('span', { class: 'school-hidden' },
    t('equity.hidden'),
    h('a', { href: `#${RULE}`, class: 'school-why', 'aria-label': t('equity.why_hidden') }, '*'));
}

// "111 (21%)"
function countShare(n, share) {
  return t('equity.count_share', { n: fmtNumber(n), pct: pct(share) });
}

// The three figures of a cell (a hidden cell: one cell across the three).
function cells(c) {
  if (c.suppressed) return [h('td', { colspan: '3', class: 'school-num school-hidden-cell' }, hiddenMark())];
  if (!c.surveyed) return [h('td', { class: 'school-num' }, fmtNumber(0)), h('td', { colspan: '2', class: 'meta' }, t('equity.none_surveyed'))];
  return [
    h('td', { class: 'school-num' }, fmtNumber(c.surveyed)),
    h('td', { class: 'school-num' }, countShare(c.without_adequate_connection, c.share_without_adequate_connection)),
    h('td', { class: 'school-num' }, countShare(c.without_dedicated_device, c.share_without_dedicated_device)),
  ];
}

function heads(first) {
  return h('tr', {},
    h('th', { scope: 'col' }, first),
    h('th', { scope: 'col', class: 'school-num' }, t('equity.col.surveyed')),
    h('th', { scope: 'col', class: 'school-num' }, t('equity.col.no_connection')),
    h('th', { scope: 'col', class: 'school-num' }, t('equity.col.no_device')));
}

function scrollTable(tid, caption, head, rows) {
  return h('div', { class: 'school-scroll', id: tid, role: 'region', tabindex: '0', 'aria-labelledby': `${tid}-cap` },
    h('table', { class: 'school-table' }, h('caption', { id: `${tid}-cap`, class: 'sr-only' }, caption), h('thead', {}, head), h('tbody', {}, rows)));
}

function section(hid, heading, ...body) {
  return h('section', { 'aria-labelledby': hid }, h('h2', { id: hid }, heading), ...body);
}

function dl(items) {
  return h('dl', { class: 'counts school-summary equity-summary' },
    items.map(([k, v, note]) => h('div', {}, h('dt', {}, k), h('dd', {}, v), note ? h('dd', { class: 'meta' }, note) : null)));
}

// ---- the headline figures ----

function perStudent() {
  if (!dev || !students) return null;
  return dev.devices_in_service / students;
}

function headline() {
  const a = eq.all || {};
  const items = [];
  if (a.suppressed) items.push([t('equity.card.surveyed'), hiddenMark()]);
  else {
    items.push([t('equity.card.surveyed'), fmtNumber(a.surveyed || 0)]);
    if (a.surveyed) {
      items.push([t('equity.card.no_connection'), pct(a.share_without_adequate_connection), t('equity.card.of', { n: fmtNumber(a.without_adequate_connection), total: fmtNumber(a.surveyed) })]);
      items.push([t('equity.card.no_device'), pct(a.share_without_dedicated_device), t('equity.card.of', { n: fmtNumber(a.without_dedicated_device), total: fmtNumber(a.surveyed) })]);
    }
  }
  const ps = perStudent();
  if (ps !== null) items.push([t('equity.card.per_student'), num(ps, 2)]);
  if (dev) items.push([t('equity.card.hotspots_lent'), fmtNumber(dev.hotspots_lent), t('equity.card.overdue', { n: fmtNumber(dev.hotspots_overdue) })]);
  return [dl(items), h('p', { class: 'meta' }, t('equity.surveyed_help'))];
}

// ---- by school and grade ----

function byPlace() {
  const parts = [];
  if (scope === 'district') {
    const rows = [];
    for (const s of eq.schools || []) {
      rows.push(h('tr', { class: 'school-grade-row' },
        h('th', { scope: 'row' }, h('a', { href: `/equity?school=${encodeURIComponent(s.id)}&weeks=${weeks}` }, s.name)), ...cells(s)));
      for (const g of s.grades || [])
        rows.push(h('tr', {}, h('th', { scope: 'row', class: 'school-class' }, gradeName(g.grade) || t('equity.no_grade')), ...cells(g)));
    }
    parts.push(section('equity-schools-h', t('equity.by_school'),
      rows.length ? scrollTable('equity-schools', t('equity.by_school'), heads(t('equity.col.school_grade')), rows) : h('p', { class: 'empty' }, t('equity.empty'))));
  }
  const grades = (eq.grades || []).map((g) => h('tr', {}, h('th', { scope: 'row' }, gradeName(g.grade) || t('equity.no_grade')), ...cells(g)));
  const heading = scope === 'district' ? t('equity.by_grade_district') : t('equity.by_grade');
  parts.push(section('equity-grades-h', heading,
    grades.length ? scrollTable('equity-grades', heading, heads(t('equity.col.grade')), grades) : h('p', { class: 'empty' }, t('equity.empty'))));
  return parts;
}

// ---- the join with learning, in words ----

// One comparison: what the difference is, its interval, and whether the interval includes 0.
function comparison(key, c, w) {
  if (!c || c.suppressed) return h('p', {}, t(`equity.${key}.suppressed`, { n: eq.min_cell }));
  const d = c.difference;
  const digits = key === 'answers' ? 1 : 2;
  const f = (x) => num(x, digits, digits); // the same decimals throughout: "-0.3 to 1.0"
  const vars = {
    diff: f(Math.abs(d)),
    with: f(c.mean_with_adequate),
    without: f(c.mean_without_adequate),
    low: f(c.ci95_low),
    high: f(c.ci95_high),
    weeks: w,
  };
  const direction = d > 0 ? 'more' : d < 0 ? 'fewer' : 'same';
  const zero = c.ci95_low <= 0 && c.ci95_high >= 0;
  return h('div', { class: 'equity-finding' },
    h('p', {}, t(`equity.${key}.${direction}`, vars), ' ', t(`equity.${key}.means`, vars)),
    h('p', { class: zero ? 'equity-zero' : 'equity-clear' },
      h('strong', {}, zero ? t('equity.interval_zero') : t('equity.interval_clear'))));
}

function learning() {
  const l = eq.learning || {};
  const w = l.weeks || eq.weeks;
  return section('equity-learning-h', t('equity.learning_heading'),
    h('p', { class: 'meta' }, t('equity.learning_intro', { weeks: w })),
    comparison('answers', l.answers_per_week, w),
    comparison('growth', l.mastery_growth, w),
    h('p', { class: 'meta' }, t('equity.not_causal')));
}

// ---- devices and hotspots ----

function devices() {
  if (!dev) return section('equity-devices-h', t('equity.devices_heading'), h('p', { class: 'empty' }, t('equity.devices_unknown')));
  const ps = perStudent();
  const items = [
    [t('equity.dev.in_service'), fmtNumber(dev.devices_in_service)],
    [t('equity.dev.per_student'), ps === null ? t('equity.dev.per_student_unknown') : num(ps, 2),
      students ? t('equity.dev.students', { n: fmtNumber(students) }) : null],
    [t('equity.dev.in_repair'), fmtNumber(dev.devices_in_repair)],
    [t('equity.dev.lost'), fmtNumber(dev.devices_lost)],
    [t('equity.dev.hotspots'), fmtNumber(dev.hotspots_in_service)],
    [t('equity.dev.hotspots_lent'), fmtNumber(dev.hotspots_lent)],
    [t('equity.dev.hotspots_overdue'), fmtNumber(dev.hotspots_overdue)],
    [t('equity.dev.hotspots_repair_lost'), t('equity.dev.repair_lost', { repair: fmtNumber(dev.hotspots_in_repair), lost: fmtNumber(dev.hotspots_lost) })],
  ];
  return section('equity-devices-h', t('equity.devices_heading'),
    dl(items),
    h('p', { class: 'meta' }, t('equity.devices_help')),
    h('p', {}, h('a', { href: scope === 'school' ? `/devices?school=${encodeURIComponent(id)}` : '/devices' }, t('equity.to_devices'))));
}

function rule() {
  return h('div', { class: 'school-rule', id: RULE, tabindex: '-1' },
    h('h3', {}, t('equity.rule_heading')),
    h('p', {}, t('equity.rule', { n: eq.min_cell })),
    h('p', { class: 'meta' }, t('equity.rule_why')));
}

function filters() {
  const opts = WEEKS.map((w) => h('option', { value: w, selected: w === weeks }, t('equity.weeks_n', { count: w })));
  return h('form', { class: 'school-filters', method: 'get', action: '/equity', 'aria-label': t('equity.filters') },
    h('input', { type: 'hidden', name: scope, value: id }),
    h('div', { class: 'field' }, h('label', { for: 'equity-weeks' }, t('equity.weeks')), h('select', { id: 'equity-weeks', name: 'weeks' }, opts)),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, t('equity.show'))));
}

function render() {
  const name = eq ? (scope === 'school' ? eq.name : me?.district?.name) : null;
  document.title = name ? t('equity.title_of', { name }) : t('equity.title');
  title.textContent = name ? t('equity.heading_of', { name }) : t('equity.heading');
  if (!eq) return;
  const district = me?.district?.id;
  content.replaceChildren(
    scope === 'school' && (me?.roles || []).includes('district_admin') && district
      ? h('p', {}, h('a', { href: `/equity?district=${encodeURIComponent(district)}&weeks=${weeks}` }, t('equity.to_district')))
      : '',
    filters(),
    h('p', {}, h('a', { class: 'button', id: 'equity-csv', href: `/api/v1/${scope === 'school' ? 'schools' : 'districts'}/${encodeURIComponent(id)}/equity.csv?weeks=${weeks}`, download: '' }, t('equity.csv'))),
    h('div', { class: 'school-view equity-view' },
      section('equity-sum-h', t('equity.summary_heading'), ...headline()),
      ...byPlace(),
      learning(),
      devices(),
      rule()));
}

// ---- loading ----

async function total(base, query) {
  const r = await api(`${base}${base.includes('?') ? '&' : '?'}${query}${query ? '&' : ''}limit=1`);
  return r.total;
}

// Counted from the devices API: totals of filtered lists, and the hotspots themselves.
async function loadDevices() {
  const district = me?.district?.id;
  if (!district) return null;
  const base = `/api/v1/districts/${encodeURIComponent(district)}/devices${scope === 'school' ? `?school=${encodeURIComponent(id)}` : ''}`;
  const [all, retired, lost, repair] = await Promise.all(['', 'status=retired', 'status=lost', 'status=in_repair'].map((q) => total(base, q)));
  const hs = { total: 0, retired: 0, lost: 0, in_repair: 0, lent: 0, overdue: 0 };
  for (let offset = 0; ; offset += 500) {
    const r = await api(`${base}${base.includes('?') ? '&' : '?'}type=hotspot&limit=500&offset=${offset}`);
    for (const d of r.devices) {
      hs[d.status] = (hs[d.status] || 0) + 1;
      if (d.holder) hs.lent++;
      if (d.overdue) hs.overdue++;
    }
    hs.total = r.total;
    if (offset + 500 >= r.total || !r.devices.length) break;
  }
  return {
    devices_in_service: all - hs.total - (retired - hs.retired) - (lost - hs.lost),
    devices_in_repair: repair - hs.in_repair,
    devices_lost: lost - hs.lost,
    hotspots_in_service: hs.total - hs.retired - hs.lost,
    hotspots_lent: hs.lent,
    hotspots_overdue: hs.overdue,
    hotspots_in_repair: hs.in_repair,
    hotspots_lost: hs.lost,
  };
}

async function loadStudents() {
  const o = await api(`/api/v1/${scope === 'school' ? 'schools' : 'districts'}/${encodeURIComponent(id)}/overview?weeks=1`);
  return o.total && !o.total.suppressed && o.total.students ? o.total.students : null;
}

async function load() {
  if (!/^\d+$/.test(id)) {
    status.textContent = t('errors.not_found');
    return;
  }
  status.textContent = t('common.loading');
  try {
    const kind = scope === 'school' ? 'schools' : 'districts';
    const [e, s, d] = await Promise.all([
      api(`/api/v1/${kind}/${encodeURIComponent(id)}/equity?weeks=${weeks}`),
      loadStudents().catch(() => null), // the figures stand without it
      loadDevices().catch(() => null),
    ]);
    eq = e;
    students = s;
    dev = d;
    status.textContent = '';
  } catch (e) {
    status.textContent = errorText(e);
    if (e.network) showNetProblem('failed', load);
    return;
  }
  render();
}

onLangChange(render);
render();
await load();
