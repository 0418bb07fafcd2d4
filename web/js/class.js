// A class and its roster: GET /api/v1/classes/{id}/students (teachers of the
// class and the admins who may see it; everyone else gets 404).
import { start, api, t, h, onLangChange, errorText, showNetProblem, gradeShort, nameOf, icon, emptyState, courseBesides, periodOf } from './app.js';

const id = new URLSearchParams(location.search).get('id') || '';
const title = document.getElementById('title');
const status = document.getElementById('status');
const content = document.getElementById('content');

await start();
let data = null;
let failure = null;

function meta(c) {
  const bits = [];
  if (courseBesides(c)) bits.push(courseBesides(c));
  if (periodOf(c)) bits.push(t('class.period', { period: periodOf(c) }));
  if (nameOf(c.school)) bits.push(nameOf(c.school));
  return bits.join(' · ');
}

function render() {
  if (failure) {
    document.title = t('title.class');
    title.textContent = t('class.heading');
    status.textContent = failure();
    return;
  }
  if (!data) return;
  const c = data.class || {};
  const students = data.students || [];
  document.title = t('title.class_named', { title: c.title || '' });
  title.textContent = c.title || t('class.heading');
  const table = students.length
    ? h(
          'table',
          { class: 'roster' },
          h('caption', { class: 'sr-only' }, t('class.roster_caption', { title: c.title || '' })),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('class.col_name')), h('th', { scope: 'col' }, t('class.col_grade')), h('th', { scope: 'col' }, t('class.col_username')))),
          h(
            'tbody',
            {},
            students.map((s) => h('tr', {}, h('th', { scope: 'row' }, s.name), h('td', {}, gradeShort(s.grade)), h('td', { class: 'username' }, h('code', {}, s.username || '')))),
          ),
        )
    : emptyState({ icon: 'people', title: t('class.no_students'), text: t('look.no_students_do') });
  content.replaceChildren(
    meta(c) ? h('p', { class: 'meta' }, meta(c)) : '',
    h(
      'p',
      { class: 'actions' },
      h('a', { class: 'button', href: `/cards?class=${encodeURIComponent(c.id ?? id)}` }, icon('printer'), t('class.print_cards')),
      h('a', { class: 'button', href: `/teach?class=${encodeURIComponent(c.id ?? id)}` }, icon('grid-3x3'), t('teach.class_link')),
      h('a', { class: 'button', href: `/assignments?class=${encodeURIComponent(c.id ?? id)}` }, icon('list-check'), t('assign.link')),
    ),
    h('section', {}, h('h2', { id: 'roster-h' }, t('class.students', { count: students.length })), table),
  );
}

async function load() {
  failure = null;
  status.textContent = t('common.loading');
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw Object.assign(new Error('id'), { status: 404, code: 'not_found' });
    data = await api(`/api/v1/classes/${encodeURIComponent(id)}/students`);
    status.textContent = '';
  } catch (e) {
    failure = () => (e.status === 404 ? t('class.not_found') : errorText(e));
    if (e.network) showNetProblem('failed', load);
  }
  render();
}

onLangChange(render);
await load();
