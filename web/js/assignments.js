// A class's assignments (issue 12), /assignments?class=ID: a teacher of the class gives
// skills to the whole class or to chosen students with a due date, sees each one's
// completion (overall and per student, with the inactivity flag and its evidence),
// moves the due date, closes, opens again or deletes. Administrators who may see the
// class's assignments see the same list without the form.
//   GET    /api/v1/classes/{id}/assignments         the list with progress
//   GET    /api/v1/classes/{id}/assignments/skills  what may be assigned
//   POST   /api/v1/classes/{id}/assignments         give one
//   PATCH  /api/v1/classes/{id}/assignments/{aid}   due date, closed
//   DELETE /api/v1/classes/{id}/assignments/{aid}
// The form's state lives in `draft`, so a language switch (which fetches the skills'
// names again) keeps what the teacher has chosen.
import { start, api, t, h, onLangChange, errorText, showNetProblem, nameOf, fmtDate, fmtNumber, currentLang, gradeName, announce } from './app.js';

const classId = new URLSearchParams(location.search).get('class') || '';
const title = document.getElementById('title');
const status = document.getElementById('status');
const flash = document.getElementById('flash');
const content = document.getElementById('content');
const back = document.getElementById('back');

await start({ texts: ['assign'] });
let data = null; // the list
let skills = null; // the assignable skills, or null when this person may not assign
let failure = null;
let formError = '';
let confirming = 0; // the assignment whose deletion is being confirmed
const draft = { who: 'class', students: new Set(), skills: new Set(), due: '', note: '' };

const base = () => `/api/v1/classes/${encodeURIComponent(classId)}/assignments`;
const withLang = (p) => `${p}${p.includes('?') ? '&' : '?'}lang=${currentLang()}`;

function day(iso) {
  return iso ? fmtDate(new Date(`${iso}T00:00:00Z`), { dateStyle: 'medium', timeZone: 'UTC' }) : '';
}

function meta(c) {
  const bits = [];
  if (c.course && c.course !== c.title) bits.push(c.course);
  if (c.period && c.period !== '0') bits.push(t('class.period', { period: c.period }));
  if (nameOf(c.school)) bits.push(nameOf(c.school));
  return bits.join(' · ');
}

// ---- the form ----

function checkbox(name, value, label, checked, onchange) {
  const idv = `${name}-${String(value).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return h(
    'div',
    { class: 'check' },
    h('input', { type: 'checkbox', id: idv, name, value, checked: checked || null, onchange }),
    h('label', { for: idv }, label),
  );
}

function skillGroups() {
  const grades = new Set(String(data.class?.grades || '').split(',').map((g) => parseInt(g, 10)).filter((g) => !Number.isNaN(g)));
  const byGrade = new Map();
  for (const s of skills.skills || []) {
    const g = s.grade ?? -1;
    if (!byGrade.has(g)) byGrade.set(g, []);
    byGrade.get(g).push(s);
  }
  const group = (g, list) =>
    h(
      'fieldset',
      { class: 'asg-skill-group' },
      h('legend', {}, g >= 0 ? gradeName(String(g).padStart(2, '0')) : t('assign.other_skills')),
      list.map((s) =>
        checkbox('skill', s.iri, s.name, draft.skills.has(s.iri), (e) => {
          if (e.target.checked) draft.skills.add(s.iri);
          else draft.skills.delete(s.iri);
        }),
      ),
    );
  const own = [...byGrade].filter(([g]) => grades.has(g));
  const others = [...byGrade].filter(([g]) => !grades.has(g));
  const othersChosen = others.some(([, list]) => list.some((s) => draft.skills.has(s.iri)));
  return [
    ...own.map(([g, list]) => group(g, list)),
    others.length
      ? h('details', { class: 'asg-more', open: othersChosen || !own.length || null }, h('summary', {}, t('assign.skills_other_grades')), others.map(([g, list]) => group(g, list)))
      : null,
  ];
}

function studentPicker() {
  const students = data.students || [];
  return h(
    'fieldset',
    { class: 'asg-students', id: 'asg-students', hidden: draft.who !== 'students' || null },
    h('legend', {}, t('assign.choose_students')),
    students.length
      ? students.map((s) =>
          checkbox('student', s.id, s.name, draft.students.has(s.id), (e) => {
            if (e.target.checked) draft.students.add(s.id);
            else draft.students.delete(s.id);
          }),
        )
      : h('p', { class: 'empty' }, t('class.no_students')),
  );
}

function radio(value, label) {
  return h(
    'div',
    { class: 'check' },
    h('input', {
      type: 'radio',
      id: `asg-who-${value}`,
      name: 'who',
      value,
      checked: draft.who === value || null,
      onchange: () => {
        draft.who = value;
        document.getElementById('asg-students').hidden = value !== 'students';
      },
    }),
    h('label', { for: `asg-who-${value}` }, label),
  );
}

function form() {
  const n = data.students?.length ?? 0;
  return h(
    'section',
    { 'aria-labelledby': 'asg-new-h', class: 'asg-new' },
    h('h2', { id: 'asg-new-h' }, t('assign.new_heading')),
    h(
      'form',
      { id: 'asg-form', novalidate: true, onsubmit: submit },
      h('p', { id: 'asg-form-error', class: 'field-error', role: 'alert' }, formError),
      h('fieldset', { class: 'asg-who' }, h('legend', {}, t('assign.who')), radio('class', t('assign.whole_class', { count: n })), radio('students', t('assign.some_students')), studentPicker()),
      h('fieldset', { class: 'asg-skills' }, h('legend', {}, t('assign.skills_legend')), h('p', { class: 'hint' }, t('assign.skills_hint')), skillGroups()),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'asg-due' }, t('assign.due_label')),
        h('input', {
          type: 'date',
          id: 'asg-due',
          class: 'asg-date',
          required: true,
          min: data.today,
          value: draft.due,
          'aria-describedby': 'asg-due-hint',
          oninput: (e) => (draft.due = e.target.value),
        }),
        h('p', { id: 'asg-due-hint', class: 'hint' }, t('assign.due_hint')),
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'asg-note' }, t('assign.note_label')),
        h('textarea', { id: 'asg-note', class: 'asg-note', maxlength: 500, rows: 3, 'aria-describedby': 'asg-note-hint', oninput: (e) => (draft.note = e.target.value) }, draft.note),
        h('p', { id: 'asg-note-hint', class: 'hint' }, t('assign.note_hint')),
      ),
      h('p', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('assign.submit'))),
    ),
  );
}

// What is wrong with a due date, in the page's language ('' when nothing is); the server
// checks again, and also the end of the class's term.
function dueProblem(v) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return t('assign.err_due');
  if (v < data.today) return t('assign.err_due_past');
  const wd = new Date(`${v}T00:00:00Z`).getUTCDay();
  if (wd === 0 || wd === 6) return t('assign.err_due_weekend');
  return '';
}

function showFormError(msg, focusId) {
  formError = msg;
  const el = document.getElementById('asg-form-error');
  if (el) el.textContent = msg;
  if (focusId) document.getElementById(focusId)?.focus();
}

async function submit(e) {
  e.preventDefault();
  if (draft.who === 'students' && !draft.students.size) return showFormError(t('assign.err_students'), 'asg-who-students');
  if (!draft.skills.size) return showFormError(t('assign.err_skills'), document.querySelector('input[name=skill]')?.id);
  if (dueProblem(draft.due)) return showFormError(dueProblem(draft.due), 'asg-due');
  // in the order of the list, so the assignment names its skills as the teacher saw them
  const chosen = (skills.skills || []).map((s) => s.iri).filter((iri) => draft.skills.has(iri));
  const body = { skills: chosen, due_date: draft.due };
  if (draft.who === 'students') body.students = (data.students || []).map((s) => s.id).filter((x) => draft.students.has(x));
  if (draft.note.trim()) body.note = draft.note.trim();
  try {
    const a = await api(withLang(base()), { method: 'POST', body });
    draft.students.clear();
    draft.skills.clear();
    draft.due = '';
    draft.note = '';
    draft.who = 'class';
    formError = '';
    await refresh(`asg-${a.id}-h`, t('assign.created', { skills: a.skills.map((s) => s.name).join(', ') }));
  } catch (err) {
    if (err.network) showNetProblem('failed');
    showFormError(err.status === 400 ? t('assign.refused', { detail: err.detail }) : errorText(err), 'asg-form-error');
  }
}

// ---- the list ----

const STATUS = ['mastered', 'in_progress', 'not_started'];

function statusBadge(st) {
  return h('span', { class: `asg-status asg-${st}` }, t(`assign.status.${st}`));
}

function completion(a) {
  const c = a.completion || {};
  const total = c.students || 0;
  return h(
    'div',
    { class: 'asg-completion' },
    h('p', { class: 'asg-done' }, t('assign.mastered_of', { count: total, mastered: fmtNumber(c.mastered || 0), total: fmtNumber(total) })),
    total ? h('progress', { max: total, value: c.mastered || 0, 'aria-label': t('assign.mastered_of', { count: total, mastered: fmtNumber(c.mastered || 0), total: fmtNumber(total) }) }) : null,
    h(
      'ul',
      { class: 'asg-counts' },
      STATUS.map((st) => h('li', {}, statusBadge(st), ' ', fmtNumber(c[st] || 0))),
      c.inactive ? h('li', {}, h('span', { class: 'asg-status asg-inactive' }, t('assign.inactive')), ' ', fmtNumber(c.inactive)) : null,
    ),
  );
}

function practice(p, sep) {
  const answers = (p.skills || []).reduce((n, s) => n + (s.answers || 0), 0);
  return [t('assign.answers', { count: answers }), sep, p.last_activity ? t('assign.last_on', { date: day(p.last_activity) }) : t('assign.never')];
}

// Three columns, so it fits a phone: the student, where they stand (overall, each skill
// when there are several, the inactivity flag with its evidence), their practice.
function progressTable(a) {
  const names = new Map((a.skills || []).map((s) => [s.iri, s.name]));
  const multi = names.size > 1;
  return h(
    'table',
    { class: 'asg-table', 'aria-label': t('assign.table_caption', { skills: [...names.values()].join(', ') }) },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('assign.col_student')), h('th', { scope: 'col' }, t('assign.col_status')), h('th', { scope: 'col', class: 'asg-practice' }, t('assign.col_practice')))),
    h(
      'tbody',
      {},
      (a.progress || []).map((p) =>
        h(
          'tr',
          {},
          // on a phone the practice column folds under the name (CSS shows one or the other)
          h('th', { scope: 'row' }, p.name, h('span', { class: 'asg-practice-inline meta' }, practice(p, ' · '))),
          h(
            'td',
            {},
            statusBadge(p.status),
            multi
              ? h('ul', { class: 'asg-per-skill' }, (p.skills || []).map((s) => h('li', {}, statusBadge(s.status), ' ', names.get(s.iri) || '')))
              : null,
            p.inactive
              ? h('p', { class: 'asg-flag' }, h('span', { class: 'asg-status asg-inactive' }, t('assign.inactive')), ' ', t('assign.inactive_evidence', { count: p.inactive.school_days, since: day(p.inactive.since) }))
              : null,
          ),
          h('td', { class: 'asg-practice' }, practice(p, h('br'))),
        ),
      ),
    ),
  );
}

// Reading the list discloses every covered student's progress again (an audit entry, and
// records towards the bulk-export tripwire): after a change the page updates what it holds
// from the answer, and asks for the list again only when the progress itself may differ
// (a new assignment, one opened again, whose inactivity flags come back).
function settleLocally(message, focusId) {
  render();
  if (message) announce(flash, message);
  if (focusId) document.getElementById(focusId)?.focus();
}

async function change(a, body, message, focusId) {
  try {
    const got = await api(withLang(`${base()}/${encodeURIComponent(a.id)}`), { method: 'PATCH', body });
    if (body.closed === false) {
      await refresh(focusId || `asg-${a.id}-h`, message);
      return;
    }
    Object.assign(a, got); // the answer has no progress: the one held stays
    if (a.state === 'closed') {
      // a closed assignment flags nobody
      for (const p of a.progress || []) delete p.inactive;
      if (a.completion) a.completion.inactive = 0;
    }
    data.assignments.sort((x, y) => (x.state === y.state ? (x.state === 'open' ? x.due_date.localeCompare(y.due_date) : y.due_date.localeCompare(x.due_date)) : x.state === 'open' ? -1 : 1));
    settleLocally(message, focusId || `asg-${a.id}-h`);
  } catch (err) {
    if (err.network) showNetProblem('failed');
    const el = document.getElementById(`asg-${a.id}-error`);
    if (el) {
      el.textContent = err.status === 400 ? t('assign.refused', { detail: err.detail }) : errorText(err);
      el.focus();
    }
  }
}

async function remove(a) {
  try {
    await api(`${base()}/${encodeURIComponent(a.id)}`, { method: 'DELETE' });
    confirming = 0;
    data.assignments = data.assignments.filter((x) => x.id !== a.id);
    settleLocally(t('assign.deleted', { skills: a.skills.map((s) => s.name).join(', ') }), 'asg-list-h');
  } catch (err) {
    if (err.network) showNetProblem('failed');
    const el = document.getElementById(`asg-${a.id}-error`);
    if (el) el.textContent = errorText(err);
  }
}

function teacherActions(a) {
  if (!skills) return null;
  const names = a.skills.map((s) => s.name).join(', ');
  const dueId = `asg-${a.id}-due`;
  const parts = [];
  if (a.state === 'open')
    parts.push(
      h(
        'form',
        {
          class: 'asg-move',
          novalidate: true,
          onsubmit: (e) => {
            e.preventDefault();
            const v = document.getElementById(dueId).value;
            if (dueProblem(v)) {
              const el = document.getElementById(`asg-${a.id}-error`);
              el.textContent = dueProblem(v);
              document.getElementById(dueId).focus();
              return;
            }
            change(a, { due_date: v }, t('assign.moved', { skills: names, due: day(v) }));
          },
        },
        h('label', { for: dueId }, t('assign.new_due_label')),
        h('span', { class: 'asg-inline' }, h('input', { type: 'date', id: dueId, class: 'asg-date', min: data.today, value: a.due_date }), h('button', { type: 'submit' }, t('assign.move')), ),
      ),
    );
  const row = [];
  if (a.state === 'open') row.push(h('button', { type: 'button', id: `asg-${a.id}-close`, onclick: () => change(a, { closed: true }, t('assign.closed_msg', { skills: names })) }, t('assign.close')));
  else row.push(h('button', { type: 'button', onclick: () => change(a, { closed: false }, t('assign.reopened_msg', { skills: names })) }, t('assign.reopen')));
  if (confirming === a.id)
    row.push(
      h('span', { class: 'asg-confirm', id: `asg-${a.id}-confirm`, tabindex: -1 }, t('assign.delete_confirm')),
      h('button', { type: 'button', class: 'asg-danger', onclick: () => remove(a) }, t('assign.delete_yes')),
      h('button', { type: 'button', class: 'quiet', onclick: () => { confirming = 0; render(); document.getElementById(`asg-${a.id}-delete`)?.focus(); } }, t('assign.delete_no')),
    );
  else
    row.push(
      h('button', { type: 'button', id: `asg-${a.id}-delete`, class: 'quiet', onclick: () => { confirming = a.id; render(); document.getElementById(`asg-${a.id}-confirm`)?.focus(); } }, t('assign.delete')),
    );
  parts.push(h('p', { class: 'actions' }, row));
  return parts;
}

function assignment(a) {
  const names = (a.skills || []).map((s) => s.name);
  const who = a.whole_class ? t('assign.for_class') : t('assign.for_students', { count: a.students?.length ?? 0 });
  const by = a.assigned_by?.name ? t('assign.given_by', { date: day(a.assigned_on), name: a.assigned_by.name }) : t('assign.given', { date: day(a.assigned_on) });
  return h(
    'li',
    { class: `asg-item asg-${a.state}` },
    h('article', { 'aria-labelledby': `asg-${a.id}-h` },
      h('h3', { id: `asg-${a.id}-h`, tabindex: -1, class: 'asg-title' }, names.join(' · ')),
      h(
        'p',
        { class: 'asg-when' },
        h('strong', {}, t('assign.due', { date: day(a.due_date) })),
        a.overdue ? h('span', { class: 'asg-status asg-overdue' }, t('assign.overdue')) : null,
        a.state === 'closed' ? h('span', { class: 'asg-status asg-closed-badge' }, t('assign.closed')) : null,
      ),
      h('p', { class: 'meta asg-by' }, `${who} · ${by}`),
      a.note ? h('p', { class: 'asg-note-text' }, a.note) : null,
      completion(a),
      (a.progress || []).length
        ? h(
            'details',
            { class: 'asg-detail' },
            h('summary', {}, t('assign.per_student', { count: a.progress.length })),
            // scrolls sideways on a phone; focusable so the keyboard can scroll it too
            h('div', { class: 'asg-scroll', tabindex: 0, role: 'region', 'aria-label': t('assign.per_student', { count: a.progress.length }) }, progressTable(a)),
          )
        : h('p', { class: 'empty' }, t('assign.nobody')),
      h('p', { class: 'field-error', id: `asg-${a.id}-error`, role: 'alert', tabindex: -1 }),
      teacherActions(a),
    ),
  );
}

function list(items, id, heading, empty) {
  return h(
    'section',
    { 'aria-labelledby': id },
    h('h2', { id, tabindex: -1 }, heading),
    items.length ? h('ul', { class: 'asg-list' }, items.map(assignment)) : h('div', { class: 'empty-state asg-empty' }, h('p', { class: 'empty' }, empty)),
  );
}

function render() {
  if (failure) {
    document.title = t('assign.title');
    title.textContent = t('assign.heading');
    content.replaceChildren();
    status.textContent = failure();
    return;
  }
  if (!data) return;
  const c = data.class || {};
  document.title = t('assign.title_named', { title: c.title || '' });
  title.textContent = t('assign.heading_named', { title: c.title || '' });
  back.href = `/class?id=${encodeURIComponent(c.id ?? classId)}`;
  const open = (data.assignments || []).filter((a) => a.state === 'open');
  const closed = (data.assignments || []).filter((a) => a.state !== 'open');
  content.replaceChildren(
    meta(c) ? h('p', { class: 'meta' }, meta(c)) : '',
    h('p', { class: 'lead' }, t(skills ? 'assign.intro_teacher' : 'assign.intro_viewer', { count: data.inactive_after_school_days ?? 3 })),
    skills ? form() : h('p', { class: 'meta' }, t('assign.only_teachers')),
    list(open, 'asg-list-h', t('assign.open_heading'), t(skills ? 'assign.no_open_teacher' : 'assign.no_open')),
    closed.length ? list(closed, 'asg-closed-h', t('assign.closed_heading'), '') : null,
  );
}

async function fetchAll() {
  data = await api(withLang(base()));
  skills = data.can_assign ? await api(withLang(`${base()}/skills`)) : null; // null: may see, not assign
}

// Fetch again after a change, then put focus where the change shows and say what happened.
async function refresh(focusId, message) {
  try {
    await fetchAll();
  } catch (e) {
    if (e.network) showNetProblem('failed', load);
  }
  render();
  if (message) announce(flash, message);
  if (focusId) document.getElementById(focusId)?.focus();
}

async function load() {
  failure = null;
  status.textContent = t('common.loading');
  try {
    if (!/^[0-9]+$/.test(classId)) throw Object.assign(new Error('class'), { status: 404, code: 'not_found' });
    await fetchAll();
    status.textContent = '';
  } catch (e) {
    failure = () => (e.status === 404 ? t('class.not_found') : errorText(e));
    if (e.network) showNetProblem('failed', load);
  }
  render();
}

onLangChange(load); // the skills' names come from the server in the page's language
await load();
