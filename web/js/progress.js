// The student's progress: every skill with its mastery, grade by grade (GET
// /api/v1/practice/progress), what they work on next and why, and the way to practice.
// Each skill's status is a word and an icon (never colour alone) and its mastery a
// meter whose value is also text.
import { start, api, t, h, has, onLangChange, errorText, showNetProblem, currentLang, fmtList, gradeName, emptyState } from './app.js';

const title = document.getElementById('title');
const status = document.getElementById('status');
const content = document.getElementById('content');

await start({ texts: ['progress'] });
let data = null;
let failure = null;
const open = new Map(); // grade -> the reader opened or closed it (kept across a language switch)

const pct = (p) => new Intl.NumberFormat(currentLang(), { style: 'percent', maximumFractionDigits: 0 }).format(p || 0);
const STATUS = ['mastered', 'in_progress', 'ready', 'locked'];

function skillRow(s, names, next) {
  const st = STATUS.includes(s.status) ? s.status : 'locked';
  const after = st === 'locked' && s.prerequisites?.length
    ? t('progress.after', { skills: fmtList(s.prerequisites.map((iri) => names.get(iri) || '').filter(Boolean)) })
    : null;
  const facts = [h('strong', { class: 'status-word' }, t(`progress.status.${st}`))];
  if (s.answers) facts.push(' · ', t('progress.answers', { count: s.answers }));
  if (after) facts.push(' · ', after);
  const id = `m-${s.iri.replace(/[^A-Za-z0-9]+/g, '-').slice(-60)}`;
  const started = st === 'mastered' || s.answers > 0 || s.hints > 0;
  return h(
    'li',
    { class: `skill st-${st}${next ? ' next' : ''}` },
    h('span', { class: `icon ${st}`, 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'skill-main' },
      h('p', { class: 'skill-name', id: `${id}-n` }, s.name, next ? h('span', { class: 'badge' }, t('progress.up_next')) : null),
      h('p', { class: 'skill-facts' }, facts),
    ),
    // no answers yet: the model's starting guess is no measure of the learner, so none is shown
    started
      ? h(
          'div',
          { class: 'skill-meter' },
          h('meter', {
            min: '0', max: '1', low: '0.5', high: '0.95', optimum: '1', value: String(s.p_mastery ?? 0),
            'aria-label': t('progress.mastery_of', { skill: s.name }), 'aria-valuetext': pct(s.p_mastery),
          }),
          h('span', { class: 'pct', 'aria-hidden': 'true' }, pct(s.p_mastery)),
        )
      : h('p', { class: 'skill-meter not-started' }, t('progress.not_started')),
  );
}

function render() {
  if (!has('progress.heading')) return; // no catalog: the English of the page and the notice
  document.title = t('title.progress');
  title.textContent = t('progress.heading');
  if (failure) {
    status.textContent = failure();
    content.replaceChildren();
    return;
  }
  if (!data) return;
  const skills = data.skills || [];
  const names = new Map(skills.map((s) => [s.iri, s.name]));
  const nextIri = data.working_on?.skill;
  const mastered = skills.filter((s) => s.status === 'mastered').length;
  if (!skills.length) {
    content.replaceChildren(emptyState({ icon: 'journal-text', title: t('look.no_skills_title'), text: t('progress.empty') }));
    return;
  }
  // grade by grade, in order; skills without a grade last
  const grades = new Map();
  for (const s of skills) {
    const g = s.grade ?? '';
    if (!grades.has(g)) grades.set(g, []);
    grades.get(g).push(s);
  }
  const order = [...grades.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : Number(a) - Number(b)));
  // open: the grades the learner is working in; for a beginner, the first with a skill ready
  const working = (g) => grades.get(g).some((s) => s.iri === nextIri || s.status === 'in_progress' || s.answers > 0);
  const start = order.some(working) ? null : order.find((g) => grades.get(g).some((s) => s.status === 'ready'));
  const groups = order.map((g) => {
    const list = grades.get(g);
    const done = list.filter((s) => s.status === 'mastered').length;
    const isOpen = open.has(g) ? open.get(g) : working(g) || g === start;
    const d = h(
      'details',
      { class: 'grade', open: isOpen },
      h(
        'summary',
        {},
        h('span', { class: 'grade-title' }, g === '' ? t('progress.other_skills') : gradeName(g)),
        ' ',
        h('span', { class: 'grade-count' }, t('progress.grade_count', { mastered: done, total: list.length })),
      ),
      h('ul', { class: 'skills' }, list.map((s) => skillRow(s, names, s.iri === nextIri))),
    );
    d.addEventListener('toggle', () => open.set(g, d.open));
    return d;
  });
  const next = data.working_on;
  const nextName = names.get(next?.skill);
  content.replaceChildren(
    h(
      'section',
      { class: 'panel next-up', 'aria-labelledby': 'next-h' },
      h('h2', { id: 'next-h' }, t('progress.next_heading')),
      h('p', { class: 'lead' }, nextName ? t('progress.next_skill', { skill: nextName }) : t('progress.next_none')),
      next?.text ? h('p', {}, h('strong', {}, t('progress.why') + ' '), next.text) : null,
      h('p', {}, h('a', { class: 'button primary big', href: '/practice' }, t('progress.practice_now'))),
    ),
    h(
      'section',
      { class: 'overall', 'aria-labelledby': 'overall-h' },
      h('h2', { id: 'overall-h' }, t('progress.overall_heading')),
      h(
        'div',
        { class: 'mastery-row' },
        h('meter', { id: 'overall', min: '0', max: String(skills.length), value: String(mastered), 'aria-labelledby': 'overall-text', 'aria-valuetext': t('progress.overall', { mastered, total: skills.length }) }),
        h('p', { id: 'overall-text', class: 'mastery-text' }, t('progress.overall', { mastered, total: skills.length })),
      ),
      h(
        'ul',
        { class: 'legend', 'aria-label': t('progress.legend') },
        STATUS.map((st) => h('li', {}, h('span', { class: `icon ${st}`, 'aria-hidden': 'true' }), h('span', {}, h('strong', {}, t(`progress.status.${st}`)), ': ', t(`progress.means.${st}`)))),
      ),
    ),
    h('section', { class: 'by-grade', 'aria-labelledby': 'grades-h' }, h('h2', { id: 'grades-h' }, t('progress.grades_heading')), groups),
  );
}

async function load() {
  failure = null;
  status.textContent = t('common.loading');
  try {
    data = await api(`/api/v1/practice/progress?lang=${currentLang()}`);
    status.textContent = '';
  } catch (e) {
    failure = () => (e.status === 403 ? t('progress.not_student') : errorText(e));
    if (e.network) showNetProblem(navigator.onLine === false ? 'offline' : 'failed', load);
  }
  render();
}

// the skill names and the reason come from the server in the page's language
onLangChange(load);
await load();
