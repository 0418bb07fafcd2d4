// "Assigned to you" on a student's home page (issue 12): their open assignments from
// GET /api/v1/me/assignments, each with its due date, who gave it, the note and where
// they stand in each skill. Practice offers them first; this says what and by when.
// assignedSection() returns the section at once and fills it when the answer comes (it
// stays hidden when nothing is assigned, or the request fails: the home page works
// without it). The answer is kept per language (the skills' names come in it).
import { api, t, h, currentLang, fmtDate } from './app.js';

let cache = { lang: null, promise: null };

function day(iso) {
  return fmtDate(new Date(`${iso}T00:00:00Z`), { dateStyle: 'long', timeZone: 'UTC' });
}

function item(a) {
  const names = (a.skills || []).map((s) => s.name);
  return h(
    'li',
    { class: `asg-mine-item${a.done ? ' asg-is-done' : ''}` },
    h('h3', {}, names.join(' · ')),
    h(
      'p',
      { class: 'asg-when' },
      h('strong', {}, t('assign.mine_due', { date: day(a.due_date) })),
      a.overdue && !a.done ? h('span', { class: 'asg-status asg-overdue' }, t('assign.mine_overdue')) : null,
    ),
    h('p', { class: 'meta' }, t('assign.mine_by', { name: a.assigned_by?.name || '', class: a.class?.title || '' })),
    a.note ? h('p', { class: 'asg-note-text' }, a.note) : null,
    names.length > 1
      ? h('ul', { class: 'asg-counts' }, (a.skills || []).map((s) => h('li', {}, h('span', { class: `asg-status asg-${s.status}` }, t(`assign.status.${s.status}`)), ' ', s.name)))
      : h('p', {}, h('span', { class: `asg-status asg-${a.skills?.[0]?.status || 'not_started'}` }, t(`assign.status.${a.skills?.[0]?.status || 'not_started'}`))),
    h('p', {}, a.done ? t('assign.mine_done') : t('assign.mine_practice')),
  );
}

export function assignedSection() {
  const box = h('section', { class: 'asg-mine', 'aria-labelledby': 'asg-mine-h', hidden: true });
  const lang = currentLang();
  if (cache.lang !== lang) cache = { lang, promise: api(`/api/v1/me/assignments?lang=${lang}`).catch(() => null) };
  cache.promise.then((d) => {
    const list = d?.assignments || [];
    if (!list.length) return;
    box.replaceChildren(h('h2', { id: 'asg-mine-h' }, t('assign.mine_heading')), h('ul', { class: 'asg-mine-list' }, list.map(item)));
    box.hidden = false;
  });
  return box;
}
