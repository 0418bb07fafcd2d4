// The home page: what this person may see, from GET /api/v1/home.
//   student: practice first (and their progress), then their classes; teacher: their classes, each with its roster;
//   guardian: a card per child (family.js, from GET /api/v1/children; a person who is only a
//   guardian skips /api/v1/home); counsellor: their school;
//   school and district admins: their schools with counts.
import { start, addTexts, api, t, h, onLangChange, errorText, showNetProblem, fmtList, fmtNumber, nameOf, icon, emptyState, courseBesides, periodOf } from './app.js';

const title = document.getElementById('title');
const status = document.getElementById('status');
const content = document.getElementById('content');

const me = await start();
let home = null;
let family = null; // family.js, for a guardian
let mine = null; // assign-mine.js, for a student: what is assigned to them
const familyBox = h('div', { class: 'family' });

function classMeta(c) {
  const bits = [];
  if (courseBesides(c)) bits.push(courseBesides(c));
  if (periodOf(c)) bits.push(t('class.period', { period: periodOf(c) }));
  if (nameOf(c.school)) bits.push(nameOf(c.school));
  return bits.join(' · ');
}

function classList(classes, { teacher = false, level = 'h3' } = {}) {
  if (!classes?.length)
    return emptyState({ icon: 'people', title: t(teacher ? 'home.no_classes_teacher' : 'home.no_classes'), text: t(teacher ? 'look.no_classes_teacher_do' : 'look.no_classes_do') });
  return h(
    'ul',
    { class: 'tiles' },
    classes.map((c) =>
      h(
        'li',
        { class: 'tile' },
        h(level, { class: 'tile-title' }, teacher ? h('a', { href: `/class?id=${encodeURIComponent(c.id)}` }, icon('people'), c.title) : c.title),
        classMeta(c) ? h('p', { class: 'meta' }, classMeta(c)) : null,
        teacher && c.students !== undefined ? h('p', {}, t('home.students', { count: c.students })) : null,
        teacher
          ? h('p', {}, h('a', { class: 'block-link', href: `/cards?class=${encodeURIComponent(c.id)}`, 'aria-label': t('look.print_cards_of', { title: c.title }) }, icon('printer'), t('look.print_cards')))
          : null,
        teacher ? h('p', {}, h('a', { class: 'block-link', href: `/teach?class=${encodeURIComponent(c.id)}` }, t('teach.home_link', { title: c.title }))) : null,
        teacher ? h('p', {}, h('a', { class: 'block-link', href: `/assignments?class=${encodeURIComponent(c.id)}` }, t('assign.link_for', { title: c.title }))) : null,
      ),
    ),
  );
}

function schoolList(schools) {
  if (!schools?.length) return emptyState({ icon: 'building', title: t('home.no_schools'), text: t('look.no_schools_do') });
  return h(
    'ul',
    { class: 'tiles' },
    schools.map((s) =>
      h(
        'li',
        { class: 'tile' },
        h('h3', { class: 'tile-title' }, icon('building'), s.id ? h('a', { href: `/school?id=${encodeURIComponent(s.id)}`, 'aria-label': t('school.home_open', { name: s.name }) }, s.name) : s.name),
        h(
          'dl',
          { class: 'counts' },
          ['students', 'teachers', 'classes'].flatMap((k) =>
            s[k] === undefined
              ? []
              : [h('div', {}, h('dt', {}, t(`home.count_${k}`)), h('dd', {}, fmtNumber(s[k])))],
          ),
        ),
        // home connectivity (survey, referrals, sessions): for the staff who help families
        s.id && me.roles?.some((r) => ['school_admin', 'counsellor', 'district_admin'].includes(r))
          ? h('p', {}, h('a', { class: 'button', href: `/connectivity?id=${encodeURIComponent(s.id)}`, 'aria-label': t('conn.home_open', { name: s.name }) }, icon('wifi'), t('conn.home_link')))
          : null,
        // the school's equity dashboard (equity.js): for its administrators and the district's
        s.id && me.roles?.some((r) => ['school_admin', 'district_admin'].includes(r))
          ? h('p', {}, h('a', { class: 'button', href: `/equity?school=${encodeURIComponent(s.id)}`, 'aria-label': t('equity.home_open', { name: s.name }) }, t('equity.home_link')))
          : null,
      ),
    ),
  );
}

// A student's first thing to do: practice (and where they stand).
function practiceCard() {
  return h(
    'section',
    { class: 'cta', 'aria-labelledby': 'practice-h' },
    h('h2', { id: 'practice-h' }, t('home.practice_heading')),
    h('p', { class: 'lead' }, t('home.practice_text')),
    h(
      'p',
      { class: 'actions' },
      h('a', { class: 'button primary big', href: '/practice' }, icon('pencil-square'), t('home.practice_start')),
      h('a', { class: 'button big', href: '/progress' }, icon('bar-chart'), t('home.progress_link')),
    ),
  );
}

function section(id, heading, body) {
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, heading), body);
}

function mfaNotice() {
  if (!me?.mfa?.required || me.mfa.enrolled) return null;
  return h(
    'div',
    { class: 'panel warn' },
    h('p', {}, h('strong', {}, t('home.mfa_needed_title')), ' ', t('home.mfa_needed'), home && !home.role ? ' ' + t('home.mfa_first') : ''),
    h('p', {}, h('a', { class: 'button primary', href: '/totp' }, t('home.mfa_setup'))),
  );
}

function render() {
  document.title = t('title.home');
  title.textContent = t('home.welcome', { name: me.name || me.username });
  if (!home) return;
  const parts = [mfaNotice() || (home && !home.role ? h('p', {}, t('home.nothing')) : null)];
  const role = home.role;
  if (!role) {
    content.replaceChildren(...parts.filter(Boolean));
    return;
  }
  if (role === 'student') parts.push(practiceCard(), mine?.assignedSection());
  if (role !== 'guardian') parts.push(h('p', { class: 'lead' }, t(`home.intro.${role}`, { count: home.schools?.length ?? 0 })));
  if (role === 'school_admin' || role === 'district_admin') parts.push(h('p', { class: 'home-admin-links' }, h('a', { class: 'button', href: '/admin' }, t('admin.home_link')), ' ', h('a', { class: 'button', href: '/devices', id: 'home-devices' }, t('devices.home_link'))));
  if (role === 'student') parts.push(section('classes-h', t('home.your_classes_student'), classList(home.classes)));
  else if (role === 'teacher') parts.push(section('classes-h', t('home.your_classes'), classList(home.classes, { teacher: true })));
  else if (role === 'guardian') parts.push(familyBox);
  else if (role === 'counsellor' || role === 'school_admin' || role === 'district_admin') {
    if (role === 'district_admin' && me.district?.id) // the district's dashboard (district.js)
      parts.push(h('p', { class: 'home-admin-links' }, h('a', { class: 'button', href: `/district?id=${encodeURIComponent(me.district.id)}` }, t('school.home_district')),
        ' ', h('a', { class: 'button', href: `/equity?district=${encodeURIComponent(me.district.id)}`, id: 'home-equity' }, t('equity.home_district'))));
    parts.push(section('schools-h', t((home.schools?.length ?? 0) === 1 ? 'home.your_school' : 'home.your_schools'), schoolList(home.schools)));
  } else parts.push(h('p', {}, t('home.nothing')));
  // someone who is a guardian besides their main role: their children after the rest
  if (role !== 'guardian' && home.children?.length) parts.push(section('children-h', t('home.your_children'), familyBox));
  if (me.roles?.length > 1) parts.push(h('p', { class: 'meta' }, t('home.roles', { roles: fmtList(me.roles.map((r) => t(`role.${r}`))) })));
  content.replaceChildren(...parts.filter(Boolean));
  family?.render();
}

async function load() {
  if (me.mfa?.required && !me.mfa.enrolled) {
    // this account must set up its second factor before it can see anything else
    status.textContent = '';
    home = { role: null };
    render();
    return;
  }
  status.textContent = t('common.loading');
  try {
    // a person who is only a guardian: their children are all the home page shows
    home = onlyGuardian() ? { role: 'guardian', children: [] } : await api('/api/v1/home');
    if (home.enrol_required) home = { role: null }; // only the second factor to set up
    if (home.role === 'student') mine = await import('./assign-mine.js');
    if (home.role === 'guardian' || home.children?.length) {
      // the family view's module and texts (i18n/family-<lang>.json), fetched together
      [family] = await Promise.all([import('./family.js'), addTexts('family')]);
    }
    if (!family) status.textContent = '';
  } catch (e) {
    status.textContent = errorText(e);
    if (e.network) showNetProblem('failed', load);
    return;
  }
  render();
  if (family) await family.load(familyBox, status);
}

function onlyGuardian() {
  return me.roles?.length === 1 && me.roles[0] === 'guardian';
}

// the skill names come from the server in the page's language: a guardian's page asks again
onLangChange(() => {
  render();
  if (family) family.load(familyBox, null);
});
render();
await load();
