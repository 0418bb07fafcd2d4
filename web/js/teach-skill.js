// One skill across a class (/teach-skill?class=ID&skill=ID), from
// GET /api/v1/classes/{class}/skills/{skill}: who has mastered it, who is working on it, who
// is stuck (and who has not started), each student with their numbers and a link to their view.
import { start, api, t, h, onLangChange, errorText, showNetProblem, fmtNumber, gradeName } from './app.js';
import { STATUSES, SYMBOL, pct, skillName, when, statusWord, icon, idParam, classUrl, studentUrl } from './teach.js';

const cls = idParam('class');
const kid = idParam('skill');
const title = document.getElementById('title');
const status = document.getElementById('status');
const content = document.getElementById('content');
const back = document.getElementById('back');

await start({ texts: ['teach'] });
let data = null;
let failure = null;

// the order a teacher reads them in: who needs help first
const ORDER = ['stuck', 'in_progress', 'mastered', 'not_started'];
const ICON = { stuck: 'exclamation-triangle', in_progress: 'hourglass-split', mastered: 'check-circle', not_started: 'clock' };

function studentTable(st, list) {
  if (st === 'not_started')
    return h(
      'ul',
      { class: 'teach-names' },
      list.map((s) => h('li', {}, h('a', { href: studentUrl(cls, s.id) }, s.name))),
    );
  return h(
    'div',
    { class: 'teach-scroll' },
    h(
      'table',
      { class: 'teach-table' },
      h('caption', { class: 'sr-only' }, t('teach.skill_list_caption', { status: statusWord(st), skill: skillName(data.skill) })),
      h(
        'thead',
        {},
        h('tr', {}, ['col_student', 'col_p', 'col_answers_only', 'col_hints', 'col_open', 'col_last'].map((k) => h('th', { scope: 'col' }, t(`teach.${k}`)))),
      ),
      h(
        'tbody',
        {},
        list.map((s) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, h('a', { href: `${studentUrl(cls, s.id)}#skill-${data.skill.id}` }, s.name), s.group !== null ? h('span', { class: 'teach-tag' }, t('teach.in_group')) : null),
            h('td', { class: 'num' }, pct(s.p)),
            h('td', { class: 'num' }, fmtNumber(s.answers)),
            h('td', { class: 'num' }, fmtNumber(s.hints)),
            h('td', { class: 'num' }, fmtNumber(s.attempts_open)),
            h('td', {}, when(s.last)),
          ),
        ),
      ),
    ),
  );
}

function render() {
  if (failure) {
    document.title = t('teach.title');
    title.textContent = t('teach.heading_skill');
    status.textContent = failure();
    content.replaceChildren();
    return;
  }
  if (!data) return;
  const k = data.skill;
  document.title = t('teach.title_skill', { skill: skillName(k), title: data.class.title });
  title.textContent = skillName(k);
  back.replaceChildren(h('a', { href: classUrl(cls) }, t('teach.back_class', { title: data.class.title })));
  const counts = k.counts || {};
  const total = STATUSES.reduce((a, st) => a + (counts[st] || 0), 0);
  content.replaceChildren(
    h('p', { class: 'meta' }, [data.class.title, k.grade ? gradeName(String(k.grade).padStart(2, '0')) : ''].filter(Boolean).join(' · ')),
    h('p', {}, t('teach.tally_intro', { count: total })),
    h(
      'ul',
      { class: 'teach-tally', 'aria-label': t('teach.tally_label') },
      ORDER.map((st) =>
        h(
          'li',
          { class: `teach-c-${st}${st === 'in_progress' ? ' teach-b2' : ''}` },
          h('span', { 'aria-hidden': 'true', class: 'teach-sym' }, SYMBOL[st]),
          h('span', { class: 'teach-tally-n' }, fmtNumber(counts[st] || 0)),
          h('span', {}, t(`teach.tally.${st}`, { count: counts[st] || 0, total })),
        ),
      ),
    ),
    ...ORDER.map((st) => {
      const list = data.students[st] || [];
      return h(
        'section',
        { 'aria-labelledby': `st-${st}`, class: 'teach-section' },
        h('h2', { id: `st-${st}` }, icon(ICON[st]), ' ', t(`teach.skill_heading.${st}`), ' ', h('span', { class: 'teach-count' }, t('teach.students_count', { count: list.length }))),
        list.length ? studentTable(st, list) : h('p', { class: 'teach-empty' }, t(`teach.skill_none.${st}`)),
      );
    }),
  );
}

async function load() {
  failure = null;
  status.textContent = t('common.loading');
  try {
    if (!cls || !kid) throw Object.assign(new Error('id'), { status: 404, code: 'not_found' });
    data = await api(`/api/v1/classes/${encodeURIComponent(cls)}/skills/${encodeURIComponent(kid)}`);
    status.textContent = '';
  } catch (e) {
    failure = () => (e.status === 404 ? t('teach.skill_not_found') : errorText(e));
    if (e.network) showNetProblem('failed', load);
  }
  render();
}

onLangChange(render);
await load();
