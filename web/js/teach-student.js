// A student as their teacher sees them (/teach-student?class=ID&student=ID), from
// GET /api/v1/classes/{class}/students/{student}/activity: the flags with their evidence,
// where they stand on each skill, time on task, the mastery curve of a skill and the skills
// mastered week by week (each chart with a table of its numbers), the misconceptions seen
// and the timeline of answers and hints, newest first.
import { start, api, t, h, onLangChange, errorText, showNetProblem, currentLang, fmtNumber, gradeName } from './app.js';
import {
  pct, skillName, when, whenTime, duration, statusBadge, flagItem, prereqText, lineChart, weekLabels, progressTable,
  icon, idParam, classUrl, skillUrl,
} from './teach.js';

const cls = idParam('class');
const sid = idParam('student');
const title = document.getElementById('title');
const status = document.getElementById('status');
const content = document.getElementById('content');
const back = document.getElementById('back');

await start({ texts: ['teach'] });
let data = null;
let failure = null;
let skills = new Map();
let limit = 50;
let curveSkill = null; // the skill whose curve is drawn

function fromHash() {
  const m = /^#skill-(\d+)$/.exec(location.hash);
  return m ? Number(m[1]) : null;
}

function summary(s) {
  const tot = s.time_on_task || {};
  const item = (label, value) => h('div', {}, h('dt', {}, label), h('dd', {}, value));
  return h(
    'dl',
    { class: 'teach-facts' },
    item(t('teach.facts.mastered'), t('teach.of', { n: s.mastered, total: data.skills.length })),
    item(t('teach.facts.time_total'), duration(tot.total_ms)),
    item(t('teach.facts.time_week'), duration(tot.last_7_days_ms)),
    item(t('teach.facts.answers'), fmtNumber(tot.answers ?? 0)),
    item(t('teach.facts.last'), when(s.last_activity)),
  );
}

function skillsTable() {
  return h(
    'div',
    { class: 'teach-scroll' },
    h(
      'table',
      { class: 'teach-table' },
      h('caption', {}, t('teach.student_skills_caption', { name: data.student.name })),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['col_skill', 'col_status', 'col_p', 'col_answers', 'col_hints', 'col_time', 'col_last'].map((k) => h('th', { scope: 'col' }, t(`teach.${k}`))),
        ),
      ),
      h(
        'tbody',
        {},
        data.skills.map((k) =>
          h(
            'tr',
            { id: `skill-${k.id}` },
            h('th', { scope: 'row' }, h('a', { href: skillUrl(cls, k.id) }, skillName(k))),
            h('td', {}, statusBadge(k.status)),
            h('td', { class: 'num' }, pct(k.cell?.p)),
            h('td', { class: 'num' }, k.cell ? t('teach.answers_correct', { count: k.cell.answers, correct: k.cell.correct }) : '0'),
            h('td', { class: 'num' }, fmtNumber(k.cell?.hints ?? 0)),
            h('td', { class: 'num' }, duration(k.time_on_task_ms)),
            h('td', {}, when(k.cell?.last)),
          ),
        ),
      ),
    ),
  );
}

function curveSection() {
  const box = h('div', { class: 'teach-chart' });
  const tableBox = h('div', {});
  const pick = h(
    'select',
    { id: 'curve-skill' },
    data.skills.map((k) => {
      const o = h('option', { value: String(k.id) }, skillName(k));
      if (k.id === curveSkill) o.selected = true;
      return o;
    }),
  );
  function draw() {
    const k = skills.get(curveSkill);
    if (!k) return;
    const curve = k.curve || [];
    if (!curve.length) {
      box.replaceChildren(h('p', { class: 'teach-empty' }, t('teach.no_curve', { skill: skillName(k) })));
      tableBox.replaceChildren();
      return;
    }
    const labels = curve.map((_, i) => (i === 0 ? t('teach.curve_start') : String(i)));
    lineChart(box, {
      labels,
      series: [{ label: t('teach.curve_series', { skill: skillName(k) }), data: curve.map((c) => c.p) }],
      percent: true,
      yMax: 1,
      threshold: data.rules.mastered_at,
      alt: t('teach.curve_alt', { skill: skillName(k), count: Math.max(0, curve.length - 1), p: pct(curve.at(-1)?.p) }),
    });
    tableBox.replaceChildren(
      h(
        'details',
        { class: 'teach-more' },
        h('summary', {}, t('teach.chart_as_table')),
        h(
          'table',
          { class: 'teach-table' },
          h('caption', {}, t('teach.curve_caption', { skill: skillName(k) })),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('teach.col_step')), h('th', { scope: 'col' }, t('teach.col_when')), h('th', { scope: 'col' }, t('teach.col_p')))),
          h(
            'tbody',
            {},
            curve.map((c, i) => h('tr', {}, h('th', { scope: 'row' }, labels[i]), h('td', {}, whenTime(c.at)), h('td', { class: 'num' }, pct(c.p)))),
          ),
        ),
      ),
    );
  }
  pick.addEventListener('change', () => {
    curveSkill = Number(pick.value);
    draw();
  });
  if (data.skills.length) draw();
  return h(
    'section',
    { 'aria-labelledby': 'curve-h', class: 'teach-section' },
    h('h2', { id: 'curve-h' }, icon('graph-up-arrow'), ' ', t('teach.curve_heading')),
    h('p', {}, t('teach.curve_intro', { p: pct(data.rules.mastered_at) })),
    data.skills.length
      ? [h('div', { class: 'teach-field' }, h('label', { for: 'curve-skill' }, t('teach.curve_pick')), pick), box, tableBox]
      : h('p', { class: 'teach-empty' }, t('teach.no_skills_student')),
  );
}

function weeklySection() {
  const box = h('div', { class: 'teach-chart' });
  const weeks = data.weeks || [];
  const prog = data.student.progress || [];
  const labels = weekLabels(weeks);
  if (weeks.length)
    lineChart(box, {
      labels,
      series: [{ label: t('teach.col_mastered'), data: prog, stepped: false }],
      alt: t('teach.student_progress_alt', { name: data.student.name, from: prog[0] ?? 0, to: prog.at(-1) ?? 0, first: labels[0], last: labels.at(-1) }),
    });
  else box.replaceChildren(h('p', { class: 'teach-empty' }, t('teach.no_progress')));
  return h(
    'section',
    { 'aria-labelledby': 'weekly-h', class: 'teach-section' },
    h('h2', { id: 'weekly-h' }, icon('calendar-event'), ' ', t('teach.weekly_heading')),
    box,
    weeks.length
      ? h('details', { class: 'teach-more' }, h('summary', {}, t('teach.chart_as_table')), progressTable(t('teach.weekly_caption', { name: data.student.name }), weeks, [{ label: t('teach.col_mastered'), data: prog, fmt: fmtNumber }]))
      : null,
  );
}

function misconceptionsSection() {
  const list = data.misconceptions || [];
  return h(
    'section',
    { 'aria-labelledby': 'mis-h', class: 'teach-section' },
    h('h2', { id: 'mis-h' }, icon('lightbulb'), ' ', t('teach.misconceptions_heading')),
    list.length
      ? h(
          'ul',
          { class: 'teach-list' },
          list.map((m) =>
            h(
              'li',
              {},
              h('strong', {}, m.name || m.id),
              ' ',
              t('teach.misconception_seen', { count: m.count, skills: prereqText(m.skills, skills) || '-' }),
              m.last ? ' ' + t('teach.misconception_last', { when: when(m.last) }) : '',
            ),
          ),
        )
      : h('p', { class: 'teach-empty' }, t('teach.no_misconceptions')),
  );
}

function eventItem(e) {
  const k = skills.get(e.skill);
  const bits = [];
  let sym = '\u2022';
  let word;
  if (e.verb === 'answered') {
    sym = e.correct ? '\u2713' : '\u2717';
    word = t(e.correct ? 'teach.ev.right' : 'teach.ev.wrong');
    if (e.attempt > 1) bits.push(t('teach.ev.attempt', { n: e.attempt }));
    if (e.hints) bits.push(t('teach.ev.hints', { count: e.hints }));
    if (e.duration_ms !== undefined) bits.push(t('teach.ev.seconds', { count: Math.round(e.duration_ms / 1000) }));
  } else if (e.verb === 'asked') {
    sym = '?';
    word = t('teach.ev.hint');
  } else word = e.verb;
  return h(
    'li',
    { class: `teach-ev${e.verb === 'answered' ? (e.correct ? ' teach-ev-right' : ' teach-ev-wrong') : ''}` },
    h('span', { class: 'teach-ev-sym', 'aria-hidden': 'true' }, sym),
    h(
      'span',
      {},
      h('time', { datetime: e.at }, whenTime(e.at)),
      ' · ',
      h('strong', {}, word),
      k ? ` · ${skillName(k)}` : '',
      bits.length ? ` · ${bits.join(' · ')}` : '',
      e.rapid ? h('span', { class: 'teach-tag' }, t('teach.ev.rapid')) : null,
      e.misconception ? h('span', { class: 'teach-tag' }, t('teach.ev.misconception', { name: data.misconceptions.find((m) => m.id === e.misconception)?.name || e.misconception })) : null,
    ),
  );
}

function timelineSection() {
  const more = data.timeline_total > data.timeline.length;
  return h(
    'section',
    { 'aria-labelledby': 'time-h', class: 'teach-section' },
    h('h2', { id: 'time-h' }, icon('clock-history'), ' ', t('teach.timeline_heading')),
    h('p', { class: 'teach-count' }, t('teach.timeline_showing', { count: data.timeline.length, total: data.timeline_total })),
    data.timeline.length ? h('ol', { class: 'teach-timeline' }, data.timeline.map(eventItem)) : h('p', { class: 'teach-empty' }, t('teach.no_timeline')),
    more
      ? h(
          'p',
          {},
          h(
            'button',
            {
              type: 'button',
              onclick: () => {
                limit = Math.min(limit * 4, 1000);
                load({ keepFocus: 'time-h' });
              },
            },
            t('teach.timeline_more'),
          ),
        )
      : null,
  );
}

function render() {
  if (failure) {
    document.title = t('teach.title');
    title.textContent = t('teach.heading_student');
    status.textContent = failure();
    content.replaceChildren();
    return;
  }
  if (!data) return;
  const s = data.student;
  document.title = t('teach.title_student', { name: s.name, title: data.class.title });
  title.textContent = s.name;
  back.replaceChildren(h('a', { href: classUrl(cls) }, t('teach.back_class', { title: data.class.title })));
  content.replaceChildren(
    h('p', { class: 'meta' }, [data.class.title, gradeName(s.grade)].filter(Boolean).join(' · ')),
    summary(s),
    h(
      'section',
      { 'aria-labelledby': 'flags-h', class: 'teach-section' },
      h('h2', { id: 'flags-h' }, icon('exclamation-triangle'), ' ', t('teach.flags_heading')),
      s.flags.length ? h('ul', { class: 'teach-flags' }, s.flags.map((f) => flagItem(f, skills))) : h('p', { class: 'teach-empty' }, t('teach.no_flags_student')),
    ),
    h('section', { 'aria-labelledby': 'skills-h', class: 'teach-section' }, h('h2', { id: 'skills-h' }, icon('list-check'), ' ', t('teach.student_skills_heading')), data.skills.length ? skillsTable() : h('p', { class: 'teach-empty' }, t('teach.no_skills_student'))),
    curveSection(),
    weeklySection(),
    misconceptionsSection(),
    timelineSection(),
  );
}

async function load({ keepFocus } = {}) {
  failure = null;
  status.textContent = t('common.loading');
  try {
    if (!cls || !sid) throw Object.assign(new Error('id'), { status: 404, code: 'not_found' });
    data = await api(`/api/v1/classes/${encodeURIComponent(cls)}/students/${encodeURIComponent(sid)}/activity?limit=${limit}&lang=${currentLang()}`);
    skills = new Map(data.skills.map((k) => [k.id, k]));
    if (!skills.has(curveSkill)) curveSkill = skills.has(fromHash()) ? fromHash() : data.skills.find((k) => k.status !== 'mastered')?.id ?? data.skills[0]?.id ?? null;
    status.textContent = '';
  } catch (e) {
    failure = () => (e.status === 404 ? t('teach.student_not_found') : errorText(e));
    if (e.network) showNetProblem('failed', () => load({ keepFocus }));
  }
  render();
  if (keepFocus) {
    const el = document.getElementById(keepFocus);
    if (el) {
      el.setAttribute('tabindex', '-1');
      el.focus();
    }
  }
}

onLangChange(() => load());
await load();
