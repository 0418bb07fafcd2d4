// The district's dashboard, /district?id=N[&weeks=W], for its administrators:
// GET /api/v1/districts/{id}/overview, drawn by overview.js. Each school's name opens that
// school's dashboard (/school?id=N); the filter is the weeks of trend.
import { start, t, onLangChange, errorText, showNetProblem } from './app.js';
import { districtView, fetchDistrict, filterForm, weeksParam } from './overview.js';

const title = document.getElementById('title');
const status = document.getElementById('status');
const content = document.getElementById('content');
const params = new URLSearchParams(location.search);
const me = await start({ texts: ['school'] });
const id = params.get('id') || (me?.district?.id ? String(me.district.id) : null);
const weeks = weeksParam(params);
let data = null;

function render() {
  const name = data?.district?.name;
  document.title = name ? t('school.title_of', { name }) : t('school.district_title');
  title.textContent = name || t('school.district_heading');
  if (data) content.replaceChildren(filterForm('/district', { school: data.district?.id ?? id, weeks }), districtView(data));
}

async function load() {
  if (!id || !/^\d+$/.test(id)) {
    status.textContent = t('errors.not_found');
    return;
  }
  status.textContent = t('common.loading');
  try {
    data = await fetchDistrict(id, weeks);
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
