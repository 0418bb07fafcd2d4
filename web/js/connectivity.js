// A school's home-connectivity work, /connectivity?id=N, for its administrators and
// counsellors and the district's administrators (the server decides who may see it; every
// read is audited): how many students lack an adequate connection or a dedicated device,
// survey codes to send families (shown once, to print), the answers student by student,
// answers recorded on a family's behalf, referrals to low-cost internet programmes and
// digital-literacy sessions with who came. API: docs/API.md "Home connectivity".
import { start, api, t, h, fmtNumber, fmtDate, onLangChange, errorText, showNetProblem, announce, currentLang } from './app.js';
import { QUESTIONS } from './survey-questions.js';

const title = document.getElementById('title');
const status = document.getElementById('status');
const content = document.getElementById('content');
const id = new URLSearchParams(location.search).get('id');

await start({ texts: ['survey', 'connectivity'] });
let data = null; // GET /schools/{id}/connectivity
let sessions = []; // GET /schools/{id}/literacy-sessions
let issued = null; // the codes just issued (shown once)
const notes = {}; // form -> () => message, redrawn on a change of language

const STATUS_NEXT = { referred: ['applied', 'declined'], applied: ['enrolled', 'declined'], declined: ['referred'], enrolled: [] };
const PROGRAMMES = ['lifeline', 'provider_plan', 'state_program', 'other'];
const AUDIENCES = ['families', 'students', 'staff'];
const TOPICS = ['device_basics', 'platform_use', 'online_safety', 'low_cost_internet', 'other'];

const when = (iso) => (iso ? fmtDate(new Date(iso), { dateStyle: 'medium' }) : '');
const day = (ymd) => fmtDate(new Date(`${ymd}T12:00:00Z`), { dateStyle: 'medium', timeZone: 'UTC' });

function field(label, control, idFor) {
  return h('div', { class: 'field' }, h('label', { for: idFor }, label), control);
}

function select(idv, name, options, { empty } = {}) {
  return h('select', { id: idv, name },
    empty ? h('option', { value: '' }, empty) : null,
    options.map(([v, text]) => h('option', { value: v }, text)));
}

function withLabel(el, label) {
  el.setAttribute('aria-label', label);
  return el;
}

function message(key) {
  const el = h('p', { id: `${key}-msg`, class: 'conn-msg', role: 'status' });
  if (notes[key]) el.textContent = notes[key]();
  return el;
}

function say(key, render) {
  notes[key] = render;
  const el = document.getElementById(`${key}-msg`);
  if (el) announce(el, render ? render() : '');
}

// An API refusal in words: a field named by the server is shown with its reason.
function problem(e) {
  return () => (e.status === 400 && e.detail ? t('conn.bad_input', { detail: e.detail }) : errorText(e));
}

function summary() {
  const s = data.summary;
  const item = (k, n) => h('li', {}, h('strong', {}, fmtNumber(n)), t(`conn.sum.${k}`));
  return h('section', { 'aria-labelledby': 'sum-h' },
    h('h2', { id: 'sum-h' }, t('conn.summary')),
    h('ul', { class: 'conn-summary' },
      item('students', s.students), item('answered', s.answered),
      item('no_connection', s.without_adequate_connection), item('no_device', s.without_dedicated_device),
      item('codes_open', s.codes_open)),
    h('p', { class: 'hint' }, t('conn.summary_hint')));
}

function codesSection() {
  const missing = data.students.filter((s) => !s.latest).length;
  const form = h('form', { class: 'conn-form', id: 'codes-form', onsubmit: issue },
    field(t('conn.codes_for'), select('codes-for', 'for', [
      ['missing', t('conn.codes_missing', { count: missing })],
      ['all', t('conn.codes_all', { count: data.students.length })]]), 'codes-for'),
    field(t('conn.codes_days'), h('input', { id: 'codes-days', name: 'days', type: 'number', min: 1, max: 60, value: 14 }), 'codes-days'),
    h('button', { type: 'submit', class: 'primary' }, t('conn.codes_issue')));
  const parts = [h('h2', { id: 'codes-h' }, t('conn.codes')), h('p', {}, t('conn.codes_intro')), form, message('codes')];
  if (issued) {
    parts.push(h('div', { class: 'conn-print' },
      h('p', {}, t('conn.codes_once', { date: day(issued.expires_date) })),
      h('button', { type: 'button', onclick: () => window.print() }, t('conn.print')),
      h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': t('conn.codes_table') },
        h('table', { class: 'table conn-table conn-codes' },
          h('caption', {}, t('conn.codes_table')),
          h('thead', {}, h('tr', {}, ['student', 'grade', 'code', 'link'].map((k) => h('th', { scope: 'col' }, t(`conn.col.${k}`))))),
          h('tbody', {}, issued.codes.map((c) => h('tr', {},
            h('th', { scope: 'row' }, c.name), h('td', {}, c.grades), h('td', {}, c.code),
            h('td', {}, `${location.origin}${c.link}`))))))));
  }
  return h('section', { 'aria-labelledby': 'codes-h' }, parts);
}

async function issue(ev) {
  ev.preventDefault();
  const all = document.getElementById('codes-for').value === 'all';
  const days = Number(document.getElementById('codes-days').value);
  const body = { days };
  if (!all) {
    const ids = data.students.filter((s) => !s.latest).map((s) => s.id);
    if (!ids.length) return say('codes', () => t('conn.codes_none'));
    body.students = ids;
  }
  try {
    issued = await api(`/api/v1/schools/${id}/survey-codes`, { method: 'POST', body });
    say('codes', () => t('conn.codes_done', { count: issued.codes.length }));
    await load(false);
  } catch (e) {
    say('codes', problem(e));
  }
}

function answerText(a) {
  if (!a) return t('conn.no_answer');
  const x = a.answers || {};
  return [x.internet_type && t(`survey.a.internet_type.${x.internet_type}`), x.internet_adequate && t(`conn.adequate.${x.internet_adequate}`),
    x.barrier && t(`survey.a.barrier.${x.barrier}`)].filter(Boolean).join(' · ');
}

function deviceText(a) {
  if (!a) return '';
  const x = a.answers || {};
  return [x.device_type && t(`survey.a.device_type.${x.device_type}`), x.device_shared && t(`survey.a.device_shared.${x.device_shared}`)].filter(Boolean).join(' · ');
}

function studentsSection() {
  const rows = data.students.map((s) => {
    const a = s.latest;
    const need = a && (!a.adequate_connection || !a.dedicated_device);
    return h('tr', {},
      h('th', { scope: 'row' }, s.name),
      h('td', {}, s.grades),
      h('td', {}, a ? t(`conn.source.${a.source}`, { date: when(a.answered_at) }) : t('conn.no_answer')),
      h('td', { class: a && !a.adequate_connection ? 'conn-need' : '' }, a ? answerText(a) : ''),
      h('td', { class: a && !a.dedicated_device ? 'conn-need' : '' }, deviceText(a)),
      h('td', {}, s.code ? t(`conn.code.${s.code.state}`) : '—'),
      h('td', {}, need ? t('conn.needs_help') : ''));
  });
  return h('section', { 'aria-labelledby': 'students-h' },
    h('h2', { id: 'students-h' }, t('conn.students')),
    h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': 'students-h' },
      h('table', { class: 'table conn-table' },
        h('caption', {}, t('conn.students_caption')),
        h('thead', {}, h('tr', {}, ['student', 'grade', 'answered', 'internet', 'device', 'code', 'help'].map((k) => h('th', { scope: 'col' }, t(`conn.col.${k}`))))),
        h('tbody', {}, rows))));
}

function studentOptions() {
  return data.students.map((s) => [String(s.id), s.grades ? `${s.name} (${s.grades})` : s.name]);
}

function onBehalfSection() {
  const qs = QUESTIONS.map((q) => h('div', { class: 'field', id: `ob-f-${q.field}` },
    h('label', { for: `ob-${q.field}` }, t(`survey.q.${q.field}`)),
    select(`ob-${q.field}`, q.field, q.choices.map((c) => [c, t(`survey.a.${q.field}.${c}`)]), { empty: t('conn.choose') })));
  const form = h('form', { id: 'ob-form', onsubmit: onBehalf, onchange: showAsked },
    field(t('conn.col.student'), select('ob-student', 'student', studentOptions(), { empty: t('conn.choose') }), 'ob-student'),
    qs, h('button', { type: 'submit', class: 'primary' }, t('conn.ob_save')));
  return h('section', { 'aria-labelledby': 'ob-h' },
    h('h2', { id: 'ob-h' }, t('conn.ob')), h('p', {}, t('conn.ob_intro')), form, message('ob'));
}

function obAnswers() {
  const a = {};
  for (const q of QUESTIONS) {
    const v = document.getElementById(`ob-${q.field}`)?.value;
    if (v) a[q.field] = v;
  }
  return a;
}

function showAsked() {
  const a = obAnswers();
  for (const q of QUESTIONS) {
    const f = document.getElementById(`ob-f-${q.field}`);
    if (f) f.hidden = q.when ? !q.when(a) : false;
  }
}

async function onBehalf(ev) {
  ev.preventDefault();
  const student = document.getElementById('ob-student').value;
  if (!student) return say('ob', () => t('conn.pick_student'));
  const a = obAnswers();
  const body = { lang: currentLang() };
  for (const q of QUESTIONS) if ((!q.when || q.when(a)) && a[q.field]) body[q.field] = a[q.field];
  try {
    await api(`/api/v1/users/${student}/connectivity`, { method: 'POST', body });
    say('ob', () => t('conn.ob_done'));
    await load(false);
  } catch (e) {
    say('ob', problem(e));
  }
}

function referralsSection() {
  const form = h('form', { class: 'conn-form', id: 'ref-form', onsubmit: refer },
    field(t('conn.col.student'), select('ref-student', 'student', studentOptions(), { empty: t('conn.choose') }), 'ref-student'),
    field(t('conn.col.programme'), select('ref-programme', 'programme', PROGRAMMES.map((p) => [p, t(`conn.programme.${p}`)])), 'ref-programme'),
    field(t('conn.col.provider'), h('input', { id: 'ref-provider', name: 'provider', maxlength: 200 }), 'ref-provider'),
    field(t('conn.col.note'), h('input', { id: 'ref-note', name: 'note', maxlength: 500 }), 'ref-note'),
    h('button', { type: 'submit', class: 'primary' }, t('conn.refer')));
  const rows = data.referrals.map((r) => {
    const next = STATUS_NEXT[r.status] || [];
    return h('tr', {},
      h('th', { scope: 'row' }, r.name),
      h('td', {}, t(`conn.programme.${r.programme}`), r.provider ? ` (${r.provider})` : ''),
      h('td', {}, h('span', { class: `badge ${r.status === 'enrolled' ? 'ok' : r.status === 'declined' ? 'warning' : 'info'}` }, t(`conn.status.${r.status}`))),
      h('td', {}, r.outcome || ''),
      h('td', {}, when(r.updated_at)),
      h('td', {}, next.length
        ? h('form', { class: 'conn-step', onsubmit: (ev) => step(ev, r.id) },
          withLabel(select(`st-${r.id}`, 'status', next.map((s) => [s, t(`conn.status.${s}`)])), t('conn.step_label', { name: r.name })),
          h('input', { id: `sn-${r.id}`, name: 'note', maxlength: 500, placeholder: t('conn.col.note'), 'aria-label': t('conn.note_for', { name: r.name }) }),
          h('button', { type: 'submit' }, t('conn.step_save')))
        : '—'));
  });
  return h('section', { 'aria-labelledby': 'ref-h' },
    h('h2', { id: 'ref-h' }, t('conn.referrals')), h('p', {}, t('conn.referrals_intro')), form, message('ref'),
    rows.length
      ? h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': 'ref-h' },
        h('table', { class: 'table conn-table' },
          h('caption', {}, t('conn.referrals_caption')),
          h('thead', {}, h('tr', {}, ['student', 'programme', 'status', 'note', 'updated', 'change'].map((k) => h('th', { scope: 'col' }, t(`conn.col.${k}`))))),
          h('tbody', {}, rows)))
      : h('p', {}, t('conn.no_referrals')));
}

async function refer(ev) {
  ev.preventDefault();
  const student = document.getElementById('ref-student').value;
  if (!student) return say('ref', () => t('conn.pick_student'));
  const body = { programme: document.getElementById('ref-programme').value };
  const provider = document.getElementById('ref-provider').value.trim();
  const note = document.getElementById('ref-note').value.trim();
  if (provider) body.provider = provider;
  if (note) body.note = note;
  try {
    await api(`/api/v1/users/${student}/referrals`, { method: 'POST', body });
    say('ref', () => t('conn.referred'));
    await load(false);
  } catch (e) {
    say('ref', problem(e));
  }
}

async function step(ev, rid) {
  ev.preventDefault();
  const body = { status: document.getElementById(`st-${rid}`).value };
  const note = document.getElementById(`sn-${rid}`).value.trim();
  if (note) body.note = note;
  try {
    await api(`/api/v1/referrals/${rid}`, { method: 'PATCH', body });
    say('ref', () => t('conn.step_done', { status: t(`conn.status.${body.status}`) }));
    await load(false);
  } catch (e) {
    say('ref', problem(e));
  }
}

function sessionsSection() {
  const today = new Date().toISOString().slice(0, 10);
  const form = h('form', { class: 'conn-form', id: 'ses-form', onsubmit: addSession },
    field(t('conn.ses.title'), h('input', { id: 'ses-title', name: 'title', maxlength: 200 }), 'ses-title'),
    field(t('conn.ses.audience'), select('ses-audience', 'audience', AUDIENCES.map((a) => [a, t(`conn.audience.${a}`)])), 'ses-audience'),
    field(t('conn.ses.topic'), select('ses-topic', 'topic', TOPICS.map((x) => [x, t(`conn.topic.${x}`)])), 'ses-topic'),
    field(t('conn.ses.lang'), select('ses-lang', 'lang', [['en', 'English'], ['es', 'Español']]), 'ses-lang'),
    field(t('conn.ses.date'), h('input', { id: 'ses-date', name: 'date', type: 'date', value: today }), 'ses-date'),
    h('button', { type: 'submit', class: 'primary' }, t('conn.ses.add')));
  const rows = sessions.map((s) => h('tr', {},
    h('td', {}, day(s.date)),
    h('th', { scope: 'row' }, s.title),
    h('td', {}, t(`conn.audience.${s.audience}`)),
    h('td', {}, t(`conn.topic.${s.topic}`)),
    h('td', {}, s.lang === 'es' ? 'Español' : 'English'),
    h('td', {}, t('conn.ses.came', { people: s.attendees.length, walk_ins: s.walk_ins }),
      s.attendees.length ? h('ul', { class: 'conn-attendees' }, s.attendees.map((a) => h('li', {}, `${a.name} (${t(`conn.role.${a.role}`)})`))) : ''),
    h('td', {}, h('form', { class: 'conn-step', onsubmit: (ev) => walkIns(ev, s) },
      h('label', { for: `wi-${s.id}` }, t('conn.ses.walk_ins')),
      h('input', { id: `wi-${s.id}`, name: 'walk_ins', type: 'number', min: 0, value: s.walk_ins }),
      h('button', { type: 'submit' }, t('conn.step_save'))))));
  return h('section', { 'aria-labelledby': 'ses-h' },
    h('h2', { id: 'ses-h' }, t('conn.sessions')), h('p', {}, t('conn.sessions_intro')), form, message('ses'),
    rows.length
      ? h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': 'ses-h' },
        h('table', { class: 'table conn-table' },
          h('caption', {}, t('conn.sessions_caption')),
          h('thead', {}, h('tr', {}, ['date', 'title', 'audience', 'topic', 'lang', 'attendance', 'walk_ins'].map((k) => h('th', { scope: 'col' }, t(`conn.ses.col.${k}`))))),
          h('tbody', {}, rows)))
      : h('p', {}, t('conn.no_sessions')));
}

async function addSession(ev) {
  ev.preventDefault();
  const v = (k) => document.getElementById(`ses-${k}`).value;
  try {
    await api(`/api/v1/schools/${id}/literacy-sessions`, { method: 'POST', body: {
      title: v('title').trim(), audience: v('audience'), topic: v('topic'), lang: v('lang'), date: v('date') } });
    say('ses', () => t('conn.ses.added'));
    await load(false);
  } catch (e) {
    say('ses', problem(e));
  }
}

async function walkIns(ev, s) {
  ev.preventDefault();
  const n = Number(document.getElementById(`wi-${s.id}`).value);
  try {
    await api(`/api/v1/literacy-sessions/${s.id}/attendance`, { method: 'PUT', body: { present: s.attendees.map((a) => a.id), walk_ins: n } });
    say('ses', () => t('conn.ses.saved'));
    await load(false);
  } catch (e) {
    say('ses', problem(e));
  }
}

// On a phone each row is a block and each value says its column (css/survey.css).
function labelCells(root) {
  for (const table of root.querySelectorAll('table.conn-table')) {
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
    for (const tr of table.querySelectorAll('tbody tr'))
      [...tr.children].forEach((cell, i) => cell.setAttribute('data-label', heads[i] || ''));
  }
}

let renders = 0;
function render() {
  document.title = t('conn.title');
  if (!data) return;
  const focused = document.activeElement?.id;
  content.replaceChildren(summary(), codesSection(), studentsSection(), referralsSection(), onBehalfSection(), sessionsSection());
  labelCells(content);
  showAsked();
  content.dataset.rendered = String(++renders); // each redraw counted (the browser tests wait on it)
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
}

async function load(first = true) {
  if (!id || !/^\d+$/.test(id)) {
    status.textContent = t('errors.not_found');
    return;
  }
  if (first) status.textContent = t('common.loading');
  try {
    const [d, s] = await Promise.all([
      api(`/api/v1/schools/${id}/connectivity`), api(`/api/v1/schools/${id}/literacy-sessions`)]);
    data = d;
    sessions = s.sessions;
    status.textContent = '';
  } catch (e) {
    status.textContent = errorText(e);
    if (e.network) showNetProblem('failed', load);
    return;
  }
  render();
}

onLangChange(render);
await load();
