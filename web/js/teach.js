// Shared by the teacher views (class, student, skill pages): formatting, skill names, the
// flags with their evidence in words, and the charts. A status is always a word and a
// symbol, never a colour alone (WCAG 1.4.1); every chart has a table with its numbers.
import { t, h, currentLang, fmtList, fmtDate } from './app.js';

export const STATUSES = ['mastered', 'in_progress', 'stuck', 'not_started'];
// The symbol of each status (shown beside its word; the heat map's cells use it too).
export const SYMBOL = { mastered: '\u2713', in_progress: '\u25D4', stuck: '!', not_started: '\u2013' };

export function pct(p) {
  if (p === null || p === undefined || Number.isNaN(p)) return '';
  return new Intl.NumberFormat(currentLang(), { style: 'percent', maximumFractionDigits: 0 }).format(p);
}

// A skill's name in the reader's language (the pack's), else English, else the end of its IRI.
export function skillName(s) {
  if (!s) return '';
  const n = s.name;
  if (n && typeof n === 'object') return n[currentLang()] || n.en || Object.values(n)[0] || s.iri;
  return String(s.iri || '').replace(/\/+$/, '').split('/').pop();
}

export function when(iso, opts = { dateStyle: 'medium' }) {
  if (!iso) return t('teach.never');
  return fmtDate(new Date(iso), opts);
}

export function whenTime(iso) {
  return when(iso, { dateStyle: 'medium', timeStyle: 'short' });
}

export function duration(ms) {
  const min = Math.round((ms || 0) / 60000);
  if (min < 60) return t('teach.minutes', { count: min });
  return t('teach.hours_minutes', { h: Math.floor(min / 60), m: min % 60 });
}

export function statusWord(st) {
  return t(`teach.status.${STATUSES.includes(st) ? st : 'not_started'}`);
}

// A status as symbol and word, for lists and tables.
export function statusBadge(st) {
  const s = STATUSES.includes(st) ? st : 'not_started';
  return h('span', { class: `teach-st teach-st-${s}` }, h('span', { 'aria-hidden': 'true' }, SYMBOL[s] + ' '), statusWord(s));
}

// One flag, its evidence in a sentence. skills: id -> skill.
export function flagText(f, skills) {
  const sk = skills.get(f.skill);
  const e = f.evidence || {};
  switch (f.code) {
    case 'wheel_spinning':
      return t('teach.flag.wheel_spinning.text', { skill: skillName(sk), count: e.attempts_open, p: pct(e.p), hints: e.hints ?? 0 });
    case 'rapid_guessing':
      return t('teach.flag.rapid_guessing.text', { count: e.rapid, timed: e.timed, days: e.days, seconds: Math.round((e.under_ms || 5000) / 1000), last: when(e.last) });
    case 'falling_mastery':
      return t('teach.flag.falling_mastery.text', { skill: skillName(sk), from: pct(e.from), to: pct(e.to), days: e.days, count: e.lowered_by ?? 0 });
    case 'inactive':
      return t('teach.flag.inactive.text', { count: e.school_days, since: when(e.since && `${e.since}T12:00:00`), due: when(e.due && `${e.due}T12:00:00`), left: e.unmastered });
    default:
      return f.code;
  }
}

export const FLAG_SYMBOL = { wheel_spinning: '\u21BB', rapid_guessing: '\u26A1\uFE0E', falling_mastery: '\u2198', inactive: '\u2016' };

export function flagItem(f, skills) {
  return h(
    'li',
    { class: `teach-flag teach-fl-${f.code}` },
    h('span', { class: 'teach-flag-name' }, h('span', { 'aria-hidden': 'true', class: 'teach-flag-sym' }, FLAG_SYMBOL[f.code] || '!'), ' ', t(`teach.flag.${f.code}`)),
    ' ',
    h('span', { class: 'teach-flag-ev' }, flagText(f, skills)),
  );
}

export function prereqText(ids, skills) {
  const names = (ids || []).map((id) => skillName(skills.get(id))).filter(Boolean);
  return names.length ? fmtList(names) : '';
}

// ---- charts: Chart.js (Debian's libjs-chart.js), served by Trellis at /vendor/chart.min.js ----
// Loaded only when a chart is shown; if it cannot be loaded the table beside the chart
// holds the same numbers, so nothing is lost.
let loading = null;
function loadChartJs() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/vendor/chart.min.js';
      s.onload = () => (window.Chart ? resolve(window.Chart) : reject(new Error('Chart.js')));
      s.onerror = () => {
        loading = null;
        reject(new Error('Chart.js'));
      };
      document.head.append(s);
    });
  }
  return loading;
}

const COLORS = ['#0a54a0', '#1b6b35', '#8a4b00', '#6b2c91'];
const POINTS = ['circle', 'rectRot', 'triangle', 'rect'];

// A line chart in box (a .chart div): series [{label, data}], labels on x; y from 0 to
// yMax (a percentage axis when percent). The canvas is an image named by alt; the caller
// puts the numbers in a table beside it. Returns the chart (or null when it cannot draw).
export async function lineChart(box, { labels, series, percent = false, yMax, alt, threshold }) {
  let Chart;
  try {
    Chart = await loadChartJs();
  } catch {
    box.replaceChildren(h('p', { class: 'meta' }, t('teach.chart_unavailable')));
    return null;
  }
  if (box._chart) box._chart.destroy();
  const canvas = h('canvas', { role: 'img', 'aria-label': alt });
  box.replaceChildren(canvas);
  const datasets = series.map((s, i) => ({
    label: s.label,
    data: s.data,
    borderColor: COLORS[i % COLORS.length],
    backgroundColor: COLORS[i % COLORS.length],
    pointStyle: POINTS[i % POINTS.length],
    pointRadius: 4,
    borderWidth: 2,
    tension: 0,
    stepped: s.stepped || false,
  }));
  if (threshold !== undefined) {
    datasets.push({
      label: t('teach.mastered_line', { p: pct(threshold) }),
      data: labels.map(() => threshold),
      borderColor: '#4d4d4d',
      borderDash: [6, 4],
      borderWidth: 1.5,
      pointRadius: 0,
      pointStyle: 'line',
    });
  }
  const lang = currentLang();
  box._chart = new Chart(canvas, {
    type: 'line',
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale: lang,
      plugins: { legend: { labels: { usePointStyle: true, color: '#1b1b1b' } } },
      scales: {
        x: { ticks: { color: '#1b1b1b', maxRotation: 0, autoSkip: true } },
        y: {
          min: 0,
          max: yMax,
          ticks: {
            color: '#1b1b1b',
            precision: 0,
            callback: percent ? (v) => pct(v) : undefined,
          },
        },
      },
    },
  });
  return box._chart;
}

// The weeks of a progress series as short dates ("26 Oct").
export function weekLabels(weeks) {
  return (weeks || []).map((w) => fmtDate(new Date(`${w}T00:00:00Z`), { day: 'numeric', month: 'short', timeZone: 'UTC' }));
}

// A progress table: one row per week.
export function progressTable(caption, weeks, cols) {
  return h(
    'div',
    { class: 'teach-scroll' },
    h(
    'table',
    { class: 'teach-table' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('teach.week_of')), cols.map((c) => h('th', { scope: 'col' }, c.label)))),
    h(
      'tbody',
      {},
      (weeks || []).map((w, i) =>
        h('tr', {}, h('th', { scope: 'row' }, fmtDate(new Date(`${w}T00:00:00Z`), { dateStyle: 'medium', timeZone: 'UTC' })), cols.map((c) => h('td', { class: 'num' }, c.fmt ? c.fmt(c.data[i]) : String(c.data[i]))))),
    ),
    ),
  );
}

// An icon of the shared sprite (Bootstrap Icons, scripts/web-vendor/icons.txt), beside a word.
export function icon(name) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const use = document.createElementNS(ns, 'use');
  use.setAttribute('href', `/vendor/icons.svg#${name}`);
  svg.append(use);
  return svg;
}

// The page's query parameter `name` if it is a positive whole number, else null.
export function idParam(name) {
  const v = new URLSearchParams(location.search).get(name) || '';
  return /^[1-9][0-9]{0,17}$/.test(v) ? v : null;
}

export const classUrl = (cls) => `/teach?class=${encodeURIComponent(cls)}`;
export const studentUrl = (cls, id) => `/teach-student?class=${encodeURIComponent(cls)}&student=${encodeURIComponent(id)}`;
export const skillUrl = (cls, id) => `/teach-skill?class=${encodeURIComponent(cls)}&skill=${encodeURIComponent(id)}`;

// The heading line under a page's title: course, period, school.
export function classMeta(c) {
  const bits = [];
  if (c.course && c.course !== c.title) bits.push(c.course);
  if (c.period) bits.push(t('class.period', { period: c.period }));
  if (c.school?.name) bits.push(c.school.name);
  return bits.join(' · ');
}
