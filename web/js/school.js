// One school's dashboard, /school?id=N[&grade=G][&weeks=W], for the school's administrators
// and counsellors and the district's administrators (the server decides who may read it):
// GET /api/v1/schools/{id}/overview, drawn by overview.js. Filters: the school (among those
// the home page lists for this person), a grade of it, the weeks of trend.
import { start, api, t, h, onLangChange, errorText, showNetProblem } from './app.js';
import { schoolView, fetchSchool, filterForm, weeksParam } from './overview.js';

const title = document.getElementById('title');
const status = document.getElementById('status');
const content = document.getElementById('content');
const params = new URLSearchParams(location.search);
const id = params.get('id');
const grade = params.get('grade') || '';
const weeks = weeksParam(params);

const me = await start({ texts: ['school'] });
let data = null;
let schools = [];

function render() {
  const name = data?.school?.name;
  document.title = name ? t('school.title_of', { name }) : t('school.title');
  title.textContent = name || t('school.heading');
  if (!data) return;
  const grades = (data.grades || []).map((g) => g.grade);
  const shown = grades.includes(grade) ? grade : '';
  content.replaceChildren(
    me?.roles?.includes('district_admin') && me.district?.id
      ? h('p', {}, h('a', { href: `/district?id=${encodeURIComponent(me.district.id)}` }, t('school.to_district')))
      : '',
    filterForm('/school', { schools, school: data.school?.id ?? id, grades, grade: shown, weeks }),
    schoolView(data, { grade: shown }));
}

async function load() {
  if (!id || !/^\d+$/.test(id)) {
    status.textContent = t('errors.not_found');
    return;
  }
  status.textContent = t('common.loading');
  try {
    const [d, home] = await Promise.all([fetchSchool(id, weeks), api('/api/v1/home').catch(() => null)]);
    data = d;
    schools = home?.schools || [];
    status.textContent = '';
  } catch (e) {
    status.textContent = errorText(e);
    if (e.network) showNetProblem('failed', load);
    return;
  }
  render();
}

onLangChange(render);
render();
await load();
