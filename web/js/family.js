// The family view (a guardian's home page): a card per child, from GET /api/v1/children,
// in plain words: how many skills the child has mastered and how often they practiced
// lately, what comes next and why, recent practice day by day, the skills grade by
// grade, the teachers and whom to contact at the school, and "who has seen the child's
// records" (GET /api/v1/children/{id}/access-log, the record of access FERPA 34 CFR
// 99.32 requires), loaded only when asked for, with what each line means and how to
// ask the school to correct a record. Phone first: one column, nothing heavy, the
// long parts folded away (<details>). Never colour alone: statuses are words and icons.
import { api, t, h, has, currentLang, errorText, showNetProblem, gradeName, fmtList, nameOf, emptyState } from './app.js';

const STATUS = ['mastered', 'in_progress', 'ready', 'locked'];
const WHY = {
  // purposes the services record (audit entries), as words for families
  'family overview': 'family.why.family_overview',
  'guardian home page': 'family.why.family_overview',
  'person record': 'family.why.person_record',
  'class roster': 'family.why.class_roster',
  'learner model': 'family.why.learner_model',
  'xAPI statements': 'family.why.statements',
  'record of access (FERPA 34 CFR 99.32)': 'family.why.access_log',
  'print the class\'s login cards': 'family.why.login_cards',
  'print login cards': 'family.why.login_cards',
  'revoke a login card': 'family.why.login_cards',
  'log in': 'family.why.log_in',
  'log in with a card': 'family.why.log_in',
};

let data = null; // the last answer of /api/v1/children
let failure = null;
let box = null;
const logs = new Map(); // child id -> { entries, before, loading, error, open, mine }
const skillLists = new Map(); // child id -> { lang, skills, loading, error }
const opened = new Map(); // details key -> open (kept across a language switch)

const pct = (p) => new Intl.NumberFormat(currentLang(), { style: 'percent', maximumFractionDigits: 0 }).format(p || 0);

// A date of the server's (YYYY-MM-DD, a UTC day) in words: "Thursday, December 3".
function dayWords(date, { year = false } = {}) {
  const d = new Date(`${date}T12:00:00Z`);
  return new Intl.DateTimeFormat(currentLang(), { weekday: 'long', month: 'long', day: 'numeric', year: year ? 'numeric' : undefined, timeZone: 'UTC' }).format(d);
}

function when(iso) {
  return new Intl.DateTimeFormat(currentLang(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

// Details that remember whether the reader opened them.
function fold(key, summary, body, { cls = '', open = false } = {}) {
  const d = h('details', { class: `family-fold ${cls}`.trim(), open: opened.has(key) ? opened.get(key) : open }, h('summary', {}, summary), body);
  d.addEventListener('toggle', () => opened.set(key, d.open));
  return d;
}

// ---- the parts of a child's card ----

function summaryPart(c) {
  const name = c.child.given_name;
  const s = c.summary || { skills: 0, mastered: 0 };
  const w = c.week || { days: 0 };
  const parts = [];
  if (!s.skills) return [h('p', { class: 'lead' }, t('family.no_skills'))];
  parts.push(h('p', { class: 'lead' }, t('family.mastered', { name, mastered: s.mastered, total: s.skills })));
  parts.push(
    h(
      'div',
      { class: 'mastery-row' },
      h('meter', { min: '0', max: String(s.skills), value: String(s.mastered), 'aria-label': t('family.mastered_meter', { name }), 'aria-valuetext': t('family.mastered_short', { mastered: s.mastered, total: s.skills }) }),
      h('span', { class: 'mastery-text', 'aria-hidden': 'true' }, t('family.mastered_short', { mastered: s.mastered, total: s.skills })),
    ),
  );
  if (w.days > 0) {
    parts.push(h('p', {}, t('family.week', { name, count: w.days }), ' ', t('family.week_answers', { count: w.answers, correct: w.correct }),
      w.mastered ? ' ' + t('family.week_mastered', { count: w.mastered }) : ''));
  } else if (c.last_practice) {
    parts.push(h('p', {}, t('family.week_none', { name }), ' ', t('family.last_time', { date: dayWords(c.last_practice, { year: true }) })));
  } else {
    parts.push(h('p', {}, t('family.never', { name })));
  }
  const more = [];
  if (s.in_progress) more.push(t('family.count_learning', { count: s.in_progress }));
  if (s.ready) more.push(t('family.count_ready', { count: s.ready }));
  if (more.length) parts.push(h('p', { class: 'meta' }, t('family.also', { list: fmtList(more) })));
  return parts;
}

function nextPart(c) {
  const name = c.child.given_name;
  const n = c.working_on;
  const skill = n?.name;
  const id = `next-${c.child.id}`;
  let text;
  if (!n || !skill) text = t('family.next.none', { name });
  else {
    const code = has(`family.next.${n.code}`) ? n.code : 'continue';
    const first = code === 'next' && n.first;
    text = t(`family.next.${first ? 'first' : code}`, { name, skill, spun: n.spun_on_name || '' });
  }
  return h(
    'section',
    { class: 'family-part family-next', 'aria-labelledby': id },
    h('h3', { id }, t('family.next_heading')),
    h('p', {}, text),
    skill ? h('p', { class: 'meta' }, t('family.help', { name, skill })) : null,
  );
}

function recentPart(c) {
  const name = c.child.given_name;
  const id = `recent-${c.child.id}`;
  const days = c.recent || [];
  const body = days.length
    ? h(
        'ul',
        { class: 'family-days' },
        days.map((d) =>
          h(
            'li',
            {},
            fold(
              `day-${c.child.id}-${d.date}`,
              [h('span', { class: 'family-day-date' }, dayWords(d.date)), h('span', { class: 'family-day-facts' }, dayFacts(d))],
              h(
                'ul',
                { class: 'plain family-day-skills' },
                d.skills.map((s) => h('li', {}, h('strong', {}, s.name || t('family.other_skill')), ': ', dayFacts(s))),
              ),
              { cls: 'family-day' },
            ),
          ),
        ),
      )
    : h('p', { class: 'empty' }, t('family.recent_none', { name }));
  return h('section', { class: 'family-part', 'aria-labelledby': id }, h('h3', { id }, t('family.recent_heading')), body);
}

function dayFacts(x) {
  const bits = [t('family.answers', { count: x.answers, correct: x.correct })];
  if (x.hints) bits.push(t('family.hints', { count: x.hints }));
  if (x.mastered) bits.push(t('family.mastered_that_day', { count: x.mastered }));
  return fmtList(bits);
}

function skillItem(s) {
  const st = STATUS.includes(s.status) ? s.status : 'locked';
  const started = st === 'mastered' || s.answers > 0;
  return h(
    'li',
    { class: `skill st-${st}` },
    h('span', { class: `icon ${st}`, 'aria-hidden': 'true' }),
    h('div', { class: 'skill-main' }, h('p', { class: 'skill-name' }, s.name), h('p', { class: 'skill-facts' }, h('strong', { class: 'status-word' }, t(`family.status.${st}`)), s.answers ? ` · ${t('progress.answers', { count: s.answers })}` : '')),
    started ? h('p', { class: 'family-skill-pct' }, t('family.sure', { pct: pct(s.p_mastery) })) : null,
  );
}

// The list of skills is not in /api/v1/children (a phone loads little first): the child's
// overview brings it when the reader asks, in the page's language.
async function loadSkills(c, { focus = true } = {}) {
  const id = c.child.id;
  // the list shown stays while the new one comes (a language switch does not empty it)
  const st = { lang: currentLang(), loading: true, skills: skillLists.get(id)?.skills ?? null, error: null };
  skillLists.set(id, st);
  render();
  try {
    st.skills = (await api(`/api/v1/children/${encodeURIComponent(id)}/overview?lang=${st.lang}`)).skills;
  } catch (e) {
    st.error = e;
    if (e.network) showNetProblem(navigator.onLine === false ? 'offline' : 'failed', () => loadSkills(c, { focus }));
  }
  st.loading = false;
  render();
  if (focus) document.getElementById(`skills-list-${id}`)?.focus();
}

function skillsPart(c) {
  const id = `skills-${c.child.id}`;
  const st = skillLists.get(c.child.id);
  const head = [h('h3', { id }, t('family.skills_heading')), h('p', { class: 'meta' }, t('family.skills_intro'))];
  if (!st?.skills) {
    const body = [];
    if (st?.error) body.push(h('p', { class: 'alert', role: 'alert' }, errorText(st.error)));
    if (st?.loading) body.push(h('p', { class: 'meta', role: 'status' }, t('common.loading')));
    else body.push(h('p', {}, h('button', { type: 'button', 'aria-controls': `skills-list-${c.child.id}`, 'aria-expanded': 'false', onclick: () => loadSkills(c) }, t('family.skills_show', { count: c.summary?.skills ?? 0 }))));
    return h('section', { class: 'family-part', 'aria-labelledby': id }, head, body);
  }
  const grades = new Map();
  for (const s of st.skills) {
    const g = s.grade ?? -1;
    if (!grades.has(g)) grades.set(g, []);
    grades.get(g).push(s);
  }
  const order = [...grades.keys()].sort((a, b) => (a < 0 ? 1 : b < 0 ? -1 : a - b));
  return h(
    'section',
    { class: 'family-part', 'aria-labelledby': id },
    head,
    h(
      'ul',
      { class: 'legend' },
      STATUS.map((st) => h('li', {}, h('span', { class: `icon ${st}`, 'aria-hidden': 'true' }), h('span', {}, h('strong', {}, t(`family.status.${st}`)), ': ', t(`family.means.${st}`, { name: c.child.given_name })))),
    ),
    h(
      'div',
      { id: `skills-list-${c.child.id}`, tabindex: '-1', 'aria-label': t('family.skills_heading') },
      order.map((g) => {
        const list = grades.get(g);
        const done = list.filter((s) => s.status === 'mastered').length;
        return fold(
          `grade-${c.child.id}-${g}`,
          [h('span', { class: 'grade-title' }, g < 0 ? t('progress.other_skills') : gradeName(g)), ' ', h('span', { class: 'grade-count' }, t('progress.grade_count', { mastered: done, total: list.length }))],
          h('ul', { class: 'skills' }, list.map(skillItem)),
          { cls: 'grade' },
        );
      }),
    ),
  );
}

function roleWord(role) {
  return has(`family.role.${role}`) ? t(`family.role.${role}`) : role;
}

function person(p) {
  return h('li', {}, p.name, h('span', { class: 'meta' }, ` · ${roleWord(p.role)}`));
}

function classLines(titles) {
  return h('ul', { class: 'plain family-class-lines' }, titles.map((x) => h('li', {}, x)));
}

// Each teacher once, with the child's classes they teach (a homeroom teacher often has most).
function teacherList(classes) {
  const teachers = new Map();
  const alone = [];
  for (const k of classes) {
    if (!k.teachers?.length) alone.push(k.title);
    for (const p of k.teachers || []) {
      const key = `${p.name}\u0000${p.role}`;
      if (!teachers.has(key)) teachers.set(key, { ...p, classes: [] });
      teachers.get(key).classes.push(k.title);
    }
  }
  return h(
    'ul',
    { class: 'family-teachers' },
    [...teachers.values()].map((p) => h('li', {}, h('strong', {}, p.name), h('span', { class: 'meta' }, ` · ${roleWord(p.role)}`), classLines(p.classes))),
    alone.length ? h('li', {}, h('strong', {}, t('family.no_teacher')), classLines(alone)) : null,
  );
}

function peoplePart(c) {
  const name = c.child.given_name;
  const id = `people-${c.child.id}`;
  const classes = c.classes || [];
  return h(
    'section',
    { class: 'family-part', 'aria-labelledby': id },
    h('h3', { id }, t('family.people_heading')),
    classes.length ? teacherList(classes) : h('p', { class: 'empty' }, t('family.no_classes', { name })),
    (c.schools || []).map((s) =>
      h(
        'div',
        { class: 'family-school' },
        h('h4', {}, s.name),
        s.contacts?.length
          ? [h('p', {}, t('family.school_contacts')), h('ul', { class: 'plain' }, s.contacts.map(person))]
          : h('p', {}, t('family.school_office')),
      ),
    ),
    h('p', { class: 'meta' }, t('family.who_to_ask', { name })),
  );
}

// ---- who has seen the child's records ----

function whoText(e) {
  if (e.who.you) return t('family.log.you');
  if (e.who.role === 'operator') return t('family.log.operator');
  if (e.who.role === 'system') return t('family.log.system');
  if (e.who.role === 'app') return t('family.log.app', { name: e.who.name });
  return e.who.role ? `${e.who.name} · ${roleWord(e.who.role)}` : e.who.name;
}

function whatText(e, name) {
  const items = e.what.map((w) => {
    if (w === 'class_list' && e.classes.length) return t('family.what.class_list_named', { name, classes: fmtList(e.classes) });
    if (w === 'login_card' && e.classes.length) return t('family.what.login_card_named', { name, classes: fmtList(e.classes) });
    return has(`family.what.${w}`) ? t(`family.what.${w}`, { name }) : t('family.what.other', { name });
  });
  let s = fmtList(items);
  if (e.contact_data) s += ' ' + t('family.what.contact_data');
  return s;
}

function whyText(e) {
  if (!e.purpose) return t('family.why.none');
  return WHY[e.purpose] ? t(WHY[e.purpose]) : e.purpose;
}

// What the entry's action was, as a verb the catalog has.
function actWord(e) {
  if (e.outcome !== 'ok') return 'refused';
  if (e.action === 'export') return 'exported';
  if (['admin', 'change', 'credentials'].includes(e.action)) return 'changed';
  if (e.action === 'login') return 'used';
  return 'saw';
}

function logEntry(e, name) {
  return h(
    'li',
    { class: `family-log-entry${e.who.you ? ' family-log-mine' : ''}` },
    h('p', { class: 'family-log-when' }, h('time', { datetime: e.at }, when(e.at))),
    h(
      'dl',
      { class: 'family-log-facts' },
      h('div', {}, h('dt', {}, t('family.log.who')), h('dd', {}, whoText(e))),
      h('div', {}, h('dt', {}, t('family.log.what')), h('dd', {}, t(`family.log.act.${actWord(e)}`), ' ', whatText(e, name))),
      h('div', {}, h('dt', {}, t('family.log.why')), h('dd', {}, whyText(e))),
    ),
    h('p', { class: 'family-log-ref' }, t('family.log.ref', { ref: e.ref })),
  );
}

async function loadLog(c, more = false) {
  const id = c.child.id;
  const st = logs.get(id) || { entries: [], before: null, mine: false };
  st.loading = true;
  st.error = null;
  st.open = true;
  logs.set(id, st);
  render();
  try {
    const q = more && st.before ? `?before=${encodeURIComponent(st.before)}` : '';
    const r = await api(`/api/v1/children/${encodeURIComponent(id)}/access-log${q}`);
    st.entries = more ? st.entries.concat(r.entries) : r.entries;
    st.before = r.before;
  } catch (e) {
    st.error = e;
    if (e.network) showNetProblem(navigator.onLine === false ? 'offline' : 'failed', () => loadLog(c, more));
  }
  st.loading = false;
  render();
  // after "show older", keep the keyboard where the reader was
  if (more) document.getElementById(`log-more-${id}`)?.focus();
}

function logPart(c) {
  const name = c.child.given_name;
  const id = c.child.id;
  const st = logs.get(id);
  const hid = `log-${id}`;
  const region = [];
  if (!st?.open) {
    region.push(h('p', {}, h('button', { type: 'button', 'aria-controls': `log-list-${id}`, 'aria-expanded': 'false', onclick: () => loadLog(c) }, t('family.log.show', { name }))));
  } else {
    const mine = st.entries.filter((e) => e.who.you).length;
    const shown = st.mine ? st.entries : st.entries.filter((e) => !e.who.you);
    const mineBox = h('input', { type: 'checkbox', id: `log-mine-${id}`, checked: st.mine, onchange: (ev) => { st.mine = ev.target.checked; render(); } });
    region.push(h('div', { class: 'check' }, mineBox, h('label', { for: `log-mine-${id}` }, t('family.log.include_mine', { count: mine }))));
    if (st.error) region.push(h('p', { class: 'alert', role: 'alert' }, errorText(st.error)));
    if (shown.length) region.push(h('ol', { class: 'family-log', id: `log-list-${id}` }, shown.map((e) => logEntry(e, name))));
    else if (!st.loading && !st.error) region.push(h('p', { class: 'empty', id: `log-list-${id}` }, t(st.before ? 'family.log.none_yet_more' : 'family.log.none', { name })));
    if (st.loading) region.push(h('p', { class: 'meta', role: 'status' }, t('common.loading')));
    else if (st.before) region.push(h('p', {}, h('button', { type: 'button', id: `log-more-${id}`, onclick: () => loadLog(c, true) }, t('family.log.more'))));
  }
  return h(
    'section',
    { class: 'family-part family-log-part', 'aria-labelledby': hid },
    h('h3', { id: hid }, t('family.log.heading', { name })),
    h('p', {}, t('family.log.intro', { name })),
    region,
    fold(`rights-${id}`, t('family.rights.heading', { name }), rightsBody(c), { cls: 'family-rights' }),
  );
}

function rightsBody(c) {
  const name = c.child.given_name;
  const school = c.child.school?.name || nameOf(c.schools?.[0]) || t('family.rights.the_school');
  return h(
    'div',
    { class: 'family-rights-body' },
    h('p', {}, t('family.rights.lines')),
    h('p', {}, t('family.rights.inspect', { name, school })),
    h('p', {}, t('family.rights.correct', { name, school })),
    h('ol', {}, ['family.rights.step1', 'family.rights.step2', 'family.rights.step3'].map((k) => h('li', {}, t(k, { name, school })))),
    h('p', {}, t('family.rights.hearing')),
    h('p', { class: 'meta' }, t('family.rights.law')),
  );
}

// ---- the page ----

function childCard(c) {
  const hid = `child-${c.child.id}-h`;
  const meta = [gradeName(c.child.grade), nameOf(c.child.school)].filter(Boolean).join(' · ');
  return h(
    'section',
    { class: 'family-child', id: `child-${c.child.id}`, 'aria-labelledby': hid },
    h('h2', { id: hid }, c.child.name),
    meta ? h('p', { class: 'meta' }, meta) : null,
    summaryPart(c),
    nextPart(c),
    recentPart(c),
    skillsPart(c),
    peoplePart(c),
    logPart(c),
  );
}

export function render() {
  if (!box) return;
  if (failure) {
    box.replaceChildren(h('p', { class: 'alert', role: 'alert' }, failure()));
    return;
  }
  if (!data) return;
  const kids = data.children || [];
  if (!kids.length) {
    box.replaceChildren(emptyState({ icon: 'person-plus', title: t('look.no_children_title'), text: t('look.no_children_do'), level: 'h2' }));
    return;
  }
  // keep the keyboard focus where it was across a re-render (a language switch, the log)
  const focusId = document.activeElement?.id;
  const parts = [h('p', { class: 'lead' }, t('family.intro', { count: kids.length }))];
  if (kids.length > 1)
    parts.push(h('nav', { class: 'family-jump', 'aria-label': t('family.jump') }, h('ul', {}, kids.map((c) => h('li', {}, h('a', { href: `#child-${c.child.id}` }, c.child.name))))));
  parts.push(...kids.map(childCard));
  box.replaceChildren(...parts);
  if (focusId) document.getElementById(focusId)?.focus();
}

// Load every child's overview into container (the home page's), in the page's language.
export async function load(container, status) {
  box = container;
  failure = null;
  try {
    data = await api(`/api/v1/children?lang=${currentLang()}`);
  } catch (e) {
    failure = () => errorText(e);
    if (e.network) showNetProblem(navigator.onLine === false ? 'offline' : 'failed', () => load(container, status));
  }
  if (status) status.textContent = '';
  render();
  // skills already shown: again, with their names in the page's (new) language
  for (const [id, st] of skillLists) {
    const c = data?.children?.find((k) => k.child.id === id);
    if (c && st.lang !== currentLang() && !st.loading) loadSkills(c, { focus: false });
  }
}

