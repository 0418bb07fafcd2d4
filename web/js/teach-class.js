// The teacher's class view (/teach?class=ID), from GET /api/v1/classes/{id}/mastery: the
// early-warning flags with their evidence, the heat map of students x skills, the suggested
// small groups, the class's progress over time and the CSV export.
//
// The heat map is an ARIA grid (a <table role="grid">) with one roving tab stop: Tab enters
// it at the last cell used, the arrow keys move by cell, Home/End to the ends of a row,
// Ctrl+Home/Ctrl+End to the first and last cell, Page Up/Page Down by five rows; Enter on a
// cell opens that student's view at that skill, on a header follows its link. Each cell says
// its status with a symbol and a number as well as a colour (and stuck cells are striped);
// its full description is in the cell for screen readers. The same numbers are in a plain
// data table below it, and the chart's in a table beside it.
import { start, api, t, h, onLangChange, errorText, showNetProblem, fmtNumber } from './app.js';
import {
  STATUSES, SYMBOL, pct, skillName, when, whenTime, statusWord, statusBadge, flagItem, prereqText,
  lineChart, weekLabels, progressTable, icon, idParam, studentUrl, skillUrl, classMeta,
} from './teach.js';

const cls = idParam('class');
const title = document.getElementById('title');
const status = document.getElementById('status');
const content = document.getElementById('content');
const back = document.getElementById('back');

await start({ texts: ['teach'] });
let data = null;
let failure = null;
let skills = new Map(); // id -> skill
const view = { q: '', filter: 'all', sort: 'name', skillsShown: 'all', r: 1, c: 1 };

// ---- the heat map's rows and columns, as filtered and sorted ----

function fold(s) {
  return String(s || '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

function visibleStudents() {
  const q = fold(view.q.trim());
  let list = data.students.filter((s) => {
    if (q && !fold(s.name).includes(q)) return false;
    if (view.filter === 'flagged') return s.flags.length > 0;
    if (view.filter === 'stuck') return s.cells.some((c) => c?.status === 'stuck');
    if (view.filter === 'grouped') return s.group !== null;
    if (view.filter === 'idle') return !s.last_activity || Date.parse(s.last_activity) < Date.parse(data.as_of) - 7 * 86400000;
    return true;
  });
  const byName = (a, b) => fold(a.family_name || a.name).localeCompare(fold(b.family_name || b.name)) || fold(a.name).localeCompare(fold(b.name));
  const last = (s) => (s.last_activity ? Date.parse(s.last_activity) : 0);
  const sorts = {
    name: byName,
    mastered_desc: (a, b) => b.mastered - a.mastered || byName(a, b),
    mastered_asc: (a, b) => a.mastered - b.mastered || byName(a, b),
    flags: (a, b) => b.flags.length - a.flags.length || byName(a, b),
    recent: (a, b) => last(b) - last(a) || byName(a, b),
    idle: (a, b) => last(a) - last(b) || byName(a, b),
  };
  if (view.sort.startsWith('skill:')) {
    const j = data.skills.findIndex((k) => String(k.id) === view.sort.slice(6));
    const p = (s) => (s.cells[j] ? s.cells[j].p : 2); // not started last
    list = [...list].sort((a, b) => p(a) - p(b) || byName(a, b));
  } else list = [...list].sort(sorts[view.sort] || byName);
  return list;
}

function visibleSkills() {
  return data.skills
    .map((k, j) => ({ k, j }))
    .filter(({ k }) => view.skillsShown === 'all' || (k.counts.stuck || 0) + (k.counts.in_progress || 0) > 0);
}

function band(p) {
  return Math.max(0, Math.min(4, Math.floor((p || 0) * 5)));
}

function cellText(cell) {
  if (!cell) return t('teach.status.not_started');
  return t('teach.cell_sr', {
    status: statusWord(cell.status),
    p: pct(cell.p),
    count: cell.answers,
    hints: cell.hints,
    last: when(cell.last),
  });
}

// ---- the grid ----

function heatmap(students, cols) {
  const corner = h('th', { scope: 'col', class: 'teach-corner' }, h('span', {}, t('teach.col_student')));
  const heads = cols.map(({ k }) => {
    const sorted = view.sort === `skill:${k.id}`;
    return h(
      'th',
      { scope: 'col', class: 'teach-skill-h', 'aria-sort': sorted ? 'ascending' : null },
      h('a', { href: skillUrl(cls, k.id), tabindex: '-1', title: skillName(k) }, h('span', { class: 'teach-vert' }, skillName(k))),
    );
  });
  const rows = students.map((s) =>
    h(
      'tr',
      {},
      h(
        'th',
        { scope: 'row', class: 'teach-row-h' },
        h(
          'a',
          { href: studentUrl(cls, s.id), tabindex: '-1' },
          s.name,
          s.flags.length ? h('span', { class: 'teach-flagged' }, ' ', h('span', { 'aria-hidden': 'true' }, '\u2691'), h('span', { class: 'sr-only' }, t('teach.flag_count', { count: s.flags.length }))) : null,
        ),
      ),
      cols.map(({ k, j }) => {
        const cell = s.cells[j];
        const st = cell ? cell.status : 'not_started';
        return h(
          'td',
          {
            class: `teach-c teach-c-${st}${st === 'in_progress' ? ` teach-b${band(cell.p)}` : ''}`,
            tabindex: '-1',
            title: `${s.name} · ${skillName(k)}: ${cellText(cell)}`,
            'data-href': `${studentUrl(cls, s.id)}#skill-${k.id}`,
          },
          h('span', { 'aria-hidden': 'true', class: 'teach-sym' }, SYMBOL[st]),
          cell ? h('span', { class: 'teach-pct', 'aria-hidden': 'true' }, pct(cell.p)) : null,
          h('span', { class: 'sr-only' }, cellText(cell)),
        );
      }),
    ),
  );
  const table = h(
    'table',
    { role: 'grid', class: 'teach-grid', 'aria-labelledby': 'heat-h', 'aria-describedby': 'heat-keys' },
    h('thead', {}, h('tr', {}, corner, heads)),
    h('tbody', {}, rows),
  );
  // the focus targets by row and column: the header cells' links, the data cells themselves
  const matrix = [...table.rows].map((tr) => [...tr.cells].map((c) => c.querySelector('a') || c));
  matrix[0][0] = corner;
  corner.setAttribute('tabindex', '-1');
  view.r = Math.min(view.r, matrix.length - 1);
  view.c = Math.min(view.c, matrix[0].length - 1);
  matrix[view.r][view.c].setAttribute('tabindex', '0');

  function moveTo(r, c) {
    r = Math.max(0, Math.min(matrix.length - 1, r));
    c = Math.max(0, Math.min(matrix[r].length - 1, c));
    matrix[view.r][view.c].setAttribute('tabindex', '-1');
    view.r = r;
    view.c = c;
    const el = matrix[r][c];
    el.setAttribute('tabindex', '0');
    el.focus();
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }
  table.addEventListener('keydown', (e) => {
    const { r, c } = view;
    let handled = true;
    if (e.key === 'ArrowRight') moveTo(r, c + 1);
    else if (e.key === 'ArrowLeft') moveTo(r, c - 1);
    else if (e.key === 'ArrowDown') moveTo(r + 1, c);
    else if (e.key === 'ArrowUp') moveTo(r - 1, c);
    else if (e.key === 'Home') moveTo(e.ctrlKey ? 0 : r, 0);
    else if (e.key === 'End') moveTo(e.ctrlKey ? matrix.length - 1 : r, matrix[r].length - 1);
    else if (e.key === 'PageDown') moveTo(r + 5, c);
    else if (e.key === 'PageUp') moveTo(r - 5, c);
    else if ((e.key === 'Enter' || e.key === ' ') && e.target.dataset.href) location.href = e.target.dataset.href;
    else handled = false;
    if (handled) e.preventDefault();
  });
  // a click puts the tab stop where it happened
  table.addEventListener('focusin', (e) => {
    for (let r = 0; r < matrix.length; r++) {
      const c = matrix[r].indexOf(e.target);
      if (c >= 0 && (r !== view.r || c !== view.c)) {
        matrix[view.r][view.c].setAttribute('tabindex', '-1');
        view.r = r;
        view.c = c;
        e.target.setAttribute('tabindex', '0');
      }
    }
  });
  table.addEventListener('click', (e) => {
    const td = e.target.closest('td[data-href]');
    if (td) location.href = td.dataset.href;
  });
  return table;
}

// The same numbers as a plain table (one row per student, one column per skill), closed
// by default: for screen readers that do not do grids well, and for copying.
function dataTable(students, cols) {
  return h(
    'details',
    { class: 'teach-more' },
    h('summary', {}, t('teach.as_table')),
    h(
      'div',
      { class: 'teach-scroll' },
      h(
        'table',
        { class: 'teach-table' },
        h('caption', {}, t('teach.table_caption', { title: data.class.title })),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('teach.col_student')), h('th', { scope: 'col' }, t('teach.col_mastered')), cols.map(({ k }) => h('th', { scope: 'col' }, skillName(k))))),
        h(
          'tbody',
          {},
          students.map((s) => h('tr', {}, h('th', { scope: 'row' }, s.name), h('td', { class: 'num' }, fmtNumber(s.mastered)), cols.map(({ j }) => h('td', {}, cellText(s.cells[j]))))),
        ),
      ),
    ),
  );
}

function legend() {
  return h(
    'ul',
    { class: 'teach-legend', 'aria-label': t('teach.legend') },
    STATUSES.map((st) =>
      h('li', {}, h('span', { class: `teach-swatch teach-c-${st}${st === 'in_progress' ? ' teach-b2' : ''}`, 'aria-hidden': 'true' }, SYMBOL[st]), t(`teach.legend.${st}`)),
    ),
    h('li', {}, h('span', { class: 'teach-swatch', 'aria-hidden': 'true' }, '\u2691'), t('teach.legend.flag')),
  );
}

function select(id, label, value, options, onchange) {
  return h(
    'div',
    { class: 'teach-field' },
    h('label', { for: id }, label),
    h(
      'select',
      { id, onchange: (e) => onchange(e.target.value) },
      options.map(([v, text]) => {
        const o = h('option', { value: v }, text);
        if (v === value) o.selected = true;
        return o;
      }),
    ),
  );
}

function controls() {
  const search = h('input', { id: 'heat-q', type: 'search', value: view.q, autocomplete: 'off' });
  search.addEventListener('input', () => {
    view.q = search.value;
    renderGrid();
  });
  return h(
    'div',
    { class: 'teach-controls', role: 'group', 'aria-label': t('teach.controls') },
    h('div', { class: 'teach-field' }, h('label', { for: 'heat-q' }, t('teach.search')), search),
    select('heat-filter', t('teach.filter'), view.filter, ['all', 'flagged', 'stuck', 'grouped', 'idle'].map((f) => [f, t(`teach.filter.${f}`)]), (v) => {
      view.filter = v;
      renderGrid();
    }),
    select(
      'heat-sort',
      t('teach.sort'),
      view.sort,
      [
        ...['name', 'mastered_desc', 'mastered_asc', 'flags', 'recent', 'idle'].map((s) => [s, t(`teach.sort.${s}`)]),
        ...data.skills.map((k) => [`skill:${k.id}`, t('teach.sort.skill', { skill: skillName(k) })]),
      ],
      (v) => {
        view.sort = v;
        renderGrid();
      },
    ),
    select('heat-skills', t('teach.skills_shown'), view.skillsShown, ['all', 'active'].map((v) => [v, t(`teach.skills_shown.${v}`)]), (v) => {
      view.skillsShown = v;
      renderGrid();
    }),
  );
}

let gridBox = null;
let gridCount = null;
function renderGrid() {
  const students = visibleStudents();
  const cols = visibleSkills();
  const hadFocus = gridBox?.contains(document.activeElement);
  if (!students.length || !cols.length) {
    gridBox.replaceChildren(h('p', { class: 'teach-empty' }, t(cols.length ? 'teach.no_match' : 'teach.no_skills_active')));
  } else {
    gridBox.replaceChildren(h('div', { class: 'teach-scroll' }, heatmap(students, cols)), dataTable(students, cols));
  }
  const text = t('teach.showing', { count: students.length, total: data.students.length });
  gridCount.textContent = text;
  if (hadFocus) gridBox.querySelector('[tabindex="0"]')?.focus();
  return text;
}

// ---- flags, groups, progress ----

function flagsSection() {
  const flagged = data.students.filter((s) => s.flags.length);
  return h(
    'section',
    { 'aria-labelledby': 'flags-h', class: 'teach-section' },
    h('h2', { id: 'flags-h' }, icon('exclamation-triangle'), ' ', t('teach.flags_heading'), ' ', h('span', { class: 'teach-count' }, t('teach.students_count', { count: flagged.length }))),
    flagged.length
      ? h(
          'ul',
          { class: 'teach-flags' },
          flagged.map((s) => h('li', {}, h('a', { href: studentUrl(cls, s.id), class: 'teach-name' }, s.name), h('ul', {}, s.flags.map((f) => flagItem(f, skills))))),
        )
      : h('p', { class: 'teach-empty' }, t('teach.no_flags')),
    rulesNote(),
  );
}

function rulesNote() {
  const r = data.rules;
  return h(
    'details',
    { class: 'teach-more' },
    h('summary', {}, t('teach.rules_heading')),
    h(
      'ul',
      {},
      h('li', {}, t('teach.rule.mastered', { p: pct(r.mastered_at) })),
      h('li', {}, t('teach.rule.wheel_spinning', { count: r.spinning_attempts })),
      h('li', {}, t('teach.rule.rapid_guessing', { seconds: r.rapid_under_ms / 1000, min: r.rapid_min, share: r.rapid_share_pct, days: r.rapid_days })),
      h('li', {}, t('teach.rule.falling_mastery', { drop: r.falling_drop_pct, days: r.falling_days })),
      h('li', {}, t('teach.rule.groups', { min: r.group_min, max: r.group_max })),
      h('li', {}, t('teach.rule.inactive', { count: r.inactive_school_days })),
    ),
  );
}

function groupsSection() {
  const byId = new Map(data.students.map((s) => [s.id, s]));
  return h(
    'section',
    { 'aria-labelledby': 'groups-h', class: 'teach-section' },
    h('h2', { id: 'groups-h' }, icon('people'), ' ', t('teach.groups_heading')),
    data.groups.length
      ? h(
          'ol',
          { class: 'teach-groups' },
          data.groups.map((g) => {
            const k = skills.get(g.skill);
            const pre = prereqText(g.reason?.prerequisites, skills);
            return h(
              'li',
              { class: 'teach-group' },
              h('h3', {}, h('a', { href: skillUrl(cls, g.skill) }, skillName(k))),
              h('p', { class: 'meta' }, t('teach.group_reason', { count: g.students.length }), pre ? ' ' + t('teach.group_ready', { skills: pre }) : ''),
              h(
                'ul',
                {},
                g.students.map((m) => h('li', {}, h('a', { href: studentUrl(cls, m.id) }, byId.get(m.id)?.name || m.id), ' ', statusBadge(m.status), ' ', h('span', { class: 'teach-num' }, pct(m.p)))),
              ),
            );
          }),
        )
      : h('p', { class: 'teach-empty' }, t('teach.no_groups')),
  );
}

function progressSection() {
  const p = data.progress;
  const box = h('div', { class: 'teach-chart' });
  const avg = p.mastered.map((n) => (p.students ? n / p.students : 0));
  const labels = weekLabels(p.weeks);
  const sec = h(
    'section',
    { 'aria-labelledby': 'progress-h', class: 'teach-section' },
    h('h2', { id: 'progress-h' }, icon('graph-up-arrow'), ' ', t('teach.progress_heading')),
    h('p', {}, t('teach.progress_intro', { count: p.students })),
    box,
    h(
      'details',
      { class: 'teach-more' },
      h('summary', {}, t('teach.chart_as_table')),
      progressTable(t('teach.progress_caption'), p.weeks, [
        { label: t('teach.col_mastered_total'), data: p.mastered, fmt: fmtNumber },
        { label: t('teach.col_mastered_avg'), data: avg, fmt: (v) => new Intl.NumberFormat(document.documentElement.lang, { maximumFractionDigits: 1 }).format(v) },
      ]),
    ),
  );
  if (p.weeks.length) {
    const lastN = p.mastered[p.mastered.length - 1] ?? 0;
    lineChart(box, {
      labels,
      series: [{ label: t('teach.col_mastered_total'), data: p.mastered }],
      alt: t('teach.progress_alt', { from: p.mastered[0] ?? 0, to: lastN, first: labels[0], last: labels[labels.length - 1] }),
    });
  } else box.replaceChildren(h('p', { class: 'teach-empty' }, t('teach.no_progress')));
  return sec;
}

// ---- the page ----

function render() {
  if (failure) {
    document.title = t('teach.title');
    title.textContent = t('teach.heading_class');
    status.textContent = failure();
    content.replaceChildren();
    return;
  }
  if (!data) return;
  const c = data.class;
  document.title = t('teach.title_class', { title: c.title });
  title.textContent = c.title;
  back.replaceChildren(h('a', { href: '/' }, t('common.back_home')));
  gridBox = h('div', { id: 'heat-box' });
  gridCount = h('p', { class: 'teach-count', id: 'heat-count', 'aria-live': 'polite' });
  const csv = `/api/v1/classes/${encodeURIComponent(cls)}/mastery.csv`;
  content.replaceChildren(
    classMeta(c) ? h('p', { class: 'meta' }, classMeta(c)) : '',
    h(
      'p',
      { class: 'teach-summary' },
      t('teach.summary', { count: data.students.length, skills: data.skills.length, time: whenTime(data.as_of) }),
    ),
    h(
      'ul',
      { class: 'teach-actions' },
      h('li', {}, h('a', { class: 'button', href: csv, download: `class-${cls}-mastery.csv` }, icon('download'), ' ', t('teach.export_csv'))),
      h('li', {}, h('a', { class: 'button', href: `/class?id=${encodeURIComponent(cls)}` }, icon('people'), ' ', t('teach.roster_link'))),
      h('li', {}, h('a', { class: 'button', href: `/assignments?class=${encodeURIComponent(cls)}` }, icon('list-check'), ' ', t('teach.assignments_link'))),
    ),
    flagsSection(),
    h(
      'section',
      { 'aria-labelledby': 'heat-h', class: 'teach-section' },
      h('h2', { id: 'heat-h' }, icon('grid-3x3'), ' ', t('teach.heat_heading')),
      h('p', { id: 'heat-keys', class: 'meta' }, t('teach.heat_keys')),
      legend(),
      controls(),
      gridCount,
      gridBox,
    ),
    groupsSection(),
    progressSection(),
  );
  if (!data.skills.length) gridBox.replaceChildren(h('p', { class: 'teach-empty' }, t('teach.no_skills')));
  else renderGrid();
}

async function load() {
  failure = null;
  status.textContent = t('common.loading');
  try {
    if (!cls) throw Object.assign(new Error('class'), { status: 404, code: 'not_found' });
    data = await api(`/api/v1/classes/${encodeURIComponent(cls)}/mastery`);
    skills = new Map(data.skills.map((k) => [k.id, k]));
    status.textContent = '';
  } catch (e) {
    failure = () => (e.status === 404 ? t('teach.class_not_found') : errorText(e));
    if (e.network) showNetProblem('failed', load);
  }
  render();
}

onLangChange(render);
await load();
