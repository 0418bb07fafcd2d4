// The school and district dashboards (GET /api/v1/schools/{id}/overview and
// /api/v1/districts/{id}/overview), shared by school.js and district.js: figures for the
// last four weeks, the weekly trend drawn with Chart.js (Debian's libjs-chart.js, served by
// Trellis itself at /vendor/chart.min.js, see scripts/web-vendor.sh), and the same numbers
// as tables, which are what screen readers and keyboards use (the charts are pictures of
// the tables, hidden from assistive technology). A cell the server hid (small-cell
// suppression) says "Hidden" on a hatched background, never 0 or nothing, and the rule is
// explained beside the tables. Classes are under the school- prefix (app.css, at its end).
import { api, t, h, fmtNumber, fmtDate, gradeName, currentLang } from './app.js';

export const WEEK_CHOICES = [4, 8, 12, 26, 52];

export function fetchSchool(id, weeks = 12) {
  return api(`/api/v1/schools/${encodeURIComponent(id)}/overview?weeks=${weeks}`);
}

export function fetchDistrict(id, weeks = 12) {
  return api(`/api/v1/districts/${encodeURIComponent(id)}/overview?weeks=${weeks}`);
}

// ?weeks=N from the address, if it is one of the choices.
export function weeksParam(params) {
  const w = Number(params.get('weeks'));
  return WEEK_CHOICES.includes(w) ? w : 12;
}

// ---- Chart.js, loaded once, on demand (the UMD build sets window.Chart) ----

let chartLib = null; // a promise of the constructor, or of null when it cannot load

function loadCharts() {
  if (!chartLib)
    chartLib = window.Chart
      ? Promise.resolve(window.Chart)
      : new Promise((resolve) => {
          const s = h('script', { src: '/vendor/chart.min.js' });
          s.addEventListener('load', () => resolve(window.Chart || null));
          s.addEventListener('error', () => resolve(null)); // the tables say everything the charts would
          document.head.append(s);
        });
  return chartLib;
}

const live = new Set(); // charts drawn; destroyed once their canvas has left the page

function sweep() {
  for (const c of live)
    if (!c.canvas?.isConnected) {
      c.destroy();
      live.delete(c);
    }
}

// ---- formatting ----

function num(x, digits = 1) {
  return new Intl.NumberFormat(currentLang(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(x);
}

function day(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function weekLabel(iso) {
  return fmtDate(day(iso), { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

// The mark of a hidden cell: a word (not a blank, not a 0) and a pointer to the rule.
function hiddenMark(ruleId) {
  return h('span', { class: 'school-hidden' },
    t('school.hidden'),
    h('a', { href: `#${ruleId}`, class: 'school-why', 'aria-label': t('school.why_hidden') }, '*'));
}

function activeText(c) {
  if (c.active_pct_range === '<5') return t('school.pct_below', { pct: 5 });
  if (c.active_pct_range === '>95') return t('school.pct_above', { pct: 95 });
  return t('school.pct', { pct: c.active_pct });
}

// The five figures of a cell, as table cells (a hidden cell: one cell across all five).
function figureCells(c, ruleId) {
  if (c.suppressed) return [h('td', { colspan: '5', class: 'school-num school-hidden-cell' }, hiddenMark(ruleId))];
  if (!c.students) return [h('td', { class: 'school-num' }, fmtNumber(0)), h('td', { colspan: '4', class: 'meta' }, t('school.no_students'))];
  return [
    h('td', { class: 'school-num' }, fmtNumber(c.students)),
    h('td', { class: 'school-num' }, num(c.mastered_per_student)),
    h('td', { class: 'school-num' }, num(c.growth_per_student)),
    h('td', { class: 'school-num' }, activeText(c)),
    h('td', { class: 'school-num' }, num(c.minutes_per_student, 0)),
  ];
}

function figureHeads(first) {
  return h('tr', {},
    h('th', { scope: 'col' }, first),
    h('th', { scope: 'col', class: 'school-num' }, t('school.col.students')),
    h('th', { scope: 'col', class: 'school-num' }, t('school.col.mastered')),
    h('th', { scope: 'col', class: 'school-num' }, t('school.col.growth')),
    h('th', { scope: 'col', class: 'school-num' }, t('school.col.active')),
    h('th', { scope: 'col', class: 'school-num' }, t('school.col.minutes')));
}

// A wide table scrolls inside its own box on a phone (a focusable region, named by the caption;
// the caption is for screen readers, the section's heading says the same on screen).
function scrollTable(id, caption, head, rows) {
  return h('div', { class: 'school-scroll', role: 'region', tabindex: '0', 'aria-labelledby': id },
    h('table', { class: 'school-table' }, h('caption', { id, class: 'sr-only' }, caption), h('thead', {}, head), h('tbody', {}, rows)));
}

// ---- the summary ----

function summary(total, data, ruleId) {
  const items = total.suppressed
    ? [[t('school.col.students'), hiddenMark(ruleId)]]
    : !total.students
      ? [[t('school.col.students'), fmtNumber(0)]]
      : [
          [t('school.col.students'), fmtNumber(total.students)],
          [t('school.card.mastered'), num(total.mastered_per_student)],
          [t('school.card.growth'), num(total.growth_per_student)],
          [t('school.card.active'), activeText(total)],
          [t('school.card.minutes'), num(total.minutes_per_student, 0)],
        ];
  return [
    h('dl', { class: 'counts school-summary' }, items.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v)))),
    h('p', { class: 'meta' }, t('school.window', { weeks: data.window_weeks, date: fmtDate(day(data.window_start), { dateStyle: 'long', timeZone: 'UTC' }) })),
  ];
}

// ---- the weekly trend: three small charts and one table ----

const SERIES = [
  { key: 'active', label: 'school.trend.active', digits: 0 },
  { key: 'minutes_per_student', label: 'school.trend.minutes', digits: 1 },
  { key: 'mastered_per_student', label: 'school.trend.mastered', digits: 1 },
];

function trendTable(id, trend, ruleId) {
  const rows = trend.map((p) => h('tr', {},
    h('th', { scope: 'row' }, weekLabel(p.week)),
    ...(p.suppressed
      ? [h('td', { colspan: '3', class: 'school-num school-hidden-cell' }, hiddenMark(ruleId))]
      : SERIES.map((s) => h('td', { class: 'school-num' }, num(p[s.key] ?? 0, s.digits))))));
  const head = h('tr', {}, h('th', { scope: 'col' }, t('school.col.week')),
    ...SERIES.map((s) => h('th', { scope: 'col', class: 'school-num' }, t(s.label))));
  return scrollTable(id, t('school.trend.table'), head, rows);
}

function drawChart(Chart, canvas, trend, s) {
  const ink = '#4d4d4d'; // --muted: 8.5:1 on white
  const accent = '#0a54a0'; // --accent
  live.add(new Chart(canvas, {
    type: 'line',
    data: {
      labels: trend.map((p) => weekLabel(p.week)),
      datasets: [{
        data: trend.map((p) => (p.suppressed ? null : p[s.key] ?? 0)), // a hidden week is a gap
        borderColor: accent,
        backgroundColor: 'rgba(10, 84, 160, 0.10)',
        pointBackgroundColor: accent,
        pointRadius: 3,
        borderWidth: 2,
        fill: true,
        spanGaps: false,
        tension: 0,
      }],
    },
    options: {
      locale: currentLang(),
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      events: [], // a picture: the table below is the way to read the values
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      scales: {
        x: { ticks: { color: ink, maxRotation: 0, autoSkipPadding: 8 }, grid: { display: false } },
        y: {
          beginAtZero: true,
          suggestedMax: 1,
          ticks: { color: ink, precision: s.digits, callback: (v) => num(v, s.digits) },
          grid: { color: '#e3e3e3' },
        },
      },
    },
  }));
}

function trendSection(prefix, trend, ruleId) {
  const charts = SERIES.map((s) => {
    const canvas = h('canvas', {});
    return {
      s,
      canvas,
      fig: h('figure', { class: 'school-chart', 'aria-hidden': 'true' },
        h('figcaption', {}, t(s.label)), h('div', { class: 'school-chart-box' }, canvas)),
    };
  });
  const box = h('div', { class: 'school-charts' }, charts.map((c) => c.fig));
  const sec = h('div', {},
    h('p', { class: 'meta' }, t('school.trend.help')),
    box,
    trendTable(`${prefix}-trend-t`, trend, ruleId));
  // drawn once the section is in the page (they need its size); the table stands without them
  setTimeout(async () => {
    const Chart = await loadCharts();
    sweep();
    if (!sec.isConnected) return;
    if (!Chart) {
      box.hidden = true;
      return;
    }
    for (const c of charts) drawChart(Chart, c.canvas, trend, c.s);
  });
  return sec;
}

function rule(data, ruleId) {
  return h('div', { class: 'school-rule', id: ruleId, tabindex: '-1' },
    h('h3', {}, t('school.rule_heading')),
    h('p', {}, t('school.rule', { n: data.min_cell })),
    h('p', { class: 'meta' }, t('school.rule_why')));
}

// ---- the school ----

// opts.grade: show only that grade's rows ('' or undefined: all).
export function schoolView(data, { prefix = 'school', grade = '' } = {}) {
  const ruleId = `${prefix}-rule`;
  const rows = [];
  for (const g of data.grades || []) {
    if (grade && g.grade !== grade) continue;
    rows.push(h('tr', { class: 'school-grade-row' }, h('th', { scope: 'row' }, gradeName(g.grade) || t('school.no_grade')), ...figureCells(g, ruleId)));
    for (const c of g.classes || [])
      rows.push(h('tr', {}, h('th', { scope: 'row', class: 'school-class' }, c.title || t('school.no_class')), ...figureCells(c, ruleId)));
  }
  return h('div', { class: 'school-view' },
    h('section', { 'aria-labelledby': `${prefix}-sum-h` },
      h('h2', { id: `${prefix}-sum-h` }, t('school.overview_of', { name: data.school?.name || t('school.school') })),
      ...summary(data.total || {}, data, ruleId)),
    h('section', { 'aria-labelledby': `${prefix}-table-h` },
      h('h2', { id: `${prefix}-table-h` }, t('school.by_grade_class')),
      rows.length
        ? scrollTable(`${prefix}-table`, grade ? gradeName(grade) : t('school.all_grades'), figureHeads(t('school.col.grade_class')), rows)
        : h('p', { class: 'empty' }, t('school.empty'))),
    h('section', { 'aria-labelledby': `${prefix}-weeks-h` },
      h('h2', { id: `${prefix}-weeks-h` }, t('school.weeks_heading', { name: data.school?.name || t('school.school') })),
      (data.trend || []).length ? trendSection(prefix, data.trend, ruleId) : h('p', { class: 'empty' }, t('school.no_trend'))),
    rule(data, ruleId));
}

// ---- the district ----

export function districtView(data, { prefix = 'district' } = {}) {
  const ruleId = `${prefix}-rule`;
  const schoolRows = (data.schools || []).map((s) => h('tr', {},
    h('th', { scope: 'row' }, s.id ? h('a', { href: `/school?id=${encodeURIComponent(s.id)}` }, s.name) : t('school.no_school')),
    ...figureCells(s, ruleId)));
  const gradeRows = (data.grades || []).map((g) => h('tr', {},
    h('th', { scope: 'row' }, gradeName(g.grade) || t('school.no_grade')), ...figureCells(g, ruleId)));
  return h('div', { class: 'school-view' },
    h('section', { 'aria-labelledby': `${prefix}-sum-h` },
      h('h2', { id: `${prefix}-sum-h` }, t('school.overview_of', { name: data.district?.name || t('school.district') })),
      ...summary(data.total || {}, data, ruleId)),
    h('section', { 'aria-labelledby': `${prefix}-schools-h` },
      h('h2', { id: `${prefix}-schools-h` }, t('school.by_school')),
      schoolRows.length
        ? [h('p', { class: 'meta' }, t('school.by_school_help')),
            scrollTable(`${prefix}-schools`, t('school.by_school'), figureHeads(t('school.col.school')), schoolRows)]
        : h('p', { class: 'empty' }, t('school.empty'))),
    gradeRows.length
      ? h('section', { 'aria-labelledby': `${prefix}-grades-h` },
          h('h2', { id: `${prefix}-grades-h` }, t('school.by_grade')),
          scrollTable(`${prefix}-grades`, t('school.by_grade'), figureHeads(t('school.col.grade')), gradeRows))
      : null,
    h('section', { 'aria-labelledby': `${prefix}-weeks-h` },
      h('h2', { id: `${prefix}-weeks-h` }, t('school.weeks_heading', { name: data.district?.name || t('school.district') })),
      (data.trend || []).length ? trendSection(prefix, data.trend, ruleId) : h('p', { class: 'empty' }, t('school.no_trend'))),
    rule(data, ruleId));
}

// ---- the filters: a plain GET form, so every view has an address ----

function select(name, label, options, value) {
  const id = `f-${name}`;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, name }, options.map(([v, text]) => h('option', { value: v, selected: String(v) === String(value) }, text))));
}

// fields: { schools?: [{id,name}], school?: id, grades?: [codes], grade?: code, weeks }
export function filterForm(action, fields) {
  const parts = [];
  if (fields.schools?.length > 1)
    parts.push(select('id', t('school.filter.school'), fields.schools.map((s) => [s.id, s.name]), fields.school));
  else if (fields.school) parts.push(h('input', { type: 'hidden', name: 'id', value: fields.school }));
  const grades = (fields.grades || []).filter(Boolean); // students with no grade: only under "All grades"
  if (grades.length > 1)
    parts.push(select('grade', t('school.filter.grade'),
      [['', t('school.all_grades')], ...grades.map((g) => [g, gradeName(g)])], fields.grade || ''));
  parts.push(select('weeks', t('school.filter.weeks'), WEEK_CHOICES.map((w) => [w, t('school.filter.weeks_n', { count: w })]), fields.weeks));
  return h('form', { class: 'school-filters', method: 'get', action, 'aria-label': t('school.filter.label') },
    ...parts, h('div', { class: 'field' }, h('button', { type: 'submit' }, t('school.filter.show'))));
}
