// The privacy notice (public): what Trellis keeps, why, who may see it and for how long,
// from GET /api/v1/privacy/notice, which groups the data inventory (every column Trellis
// stores, classified in src/store/store_inventory.c) by kind of data. The words for each
// kind, purpose, audience and retention rule are in i18n/privacy-<lang>.json.
import { start, api, t, h, has, onLangChange, onBrand, errorText, icon, districtName } from './app.js';

const status = document.getElementById('status');
const content = document.getElementById('content');
const lead = document.getElementById('lead');

await start({ auth: 'optional', texts: ['privacy'] });
let data = null;
let failure = null;
const open = new Set(); // the kinds whose list of fields the reader opened

// A fact of a kind: an icon, a label and one line per value.
function fact(name, label, lines) {
  return h('div', {}, icon(name), h('dt', {}, label), lines.map((l) => h('dd', {}, l)));
}

function kind(g) {
  const id = `kind-${g.category}`;
  const details = h(
    'details',
    { class: 'privacy-fields', open: open.has(g.category) },
    h('summary', {}, t('privacy.fields', { count: g.fields.length })),
    h('p', {}, t('privacy.fields_note')),
    h('ul', {}, g.fields.map((f) => h('li', {}, h('code', {}, `${f.table}.${f.column}`), f.sealed ? ` (${t('privacy.sealed_word')})` : ''))),
  );
  details.addEventListener('toggle', () => (details.open ? open.add(g.category) : open.delete(g.category)));
  return h(
    'section',
    { class: 'box privacy-kind', 'aria-labelledby': id },
    h('h2', { id }, t(`privacy.cat.${g.category}.title`)),
    h('p', {}, t(`privacy.cat.${g.category}.text`)),
    h(
      'dl',
      { class: 'privacy-facts' },
      fact('lightbulb', t('privacy.why'), g.purposes.map((k) => t(`privacy.purpose.${k}`))),
      fact('people', t('privacy.who'), g.who.map((k) => t(`privacy.whom.${k}`))),
      fact('clock-history', t('privacy.how_long'), g.retention.map((k) => t(`privacy.retention.${k}`))),
      fact('key', t('privacy.protection'), [t(`privacy.sealed.${g.sealed}`)]),
    ),
    details,
  );
}

function render() {
  if (!has('privacy.heading')) return; // no catalog: the English of the page and the notice
  document.title = t('privacy.title');
  const d = districtName();
  lead.textContent = d ? t('privacy.lead_district', { district: d }) : t('privacy.lead');
  if (failure) {
    status.textContent = failure();
    status.classList.remove('loading');
    content.replaceChildren();
    return;
  }
  if (!data) return;
  status.textContent = '';
  status.classList.remove('loading');
  content.replaceChildren(
    h('p', {}, t('privacy.made_from')),
    ...data.categories.map(kind),
    h(
      'section',
      { class: 'privacy-more', 'aria-labelledby': 'never-h' },
      h('h2', { id: 'never-h' }, t('privacy.never_heading')),
      h('p', {}, t('privacy.never_text')),
      h('h2', {}, t('privacy.rights_heading')),
      h('p', {}, t('privacy.rights_text')),
    ),
  );
}

onLangChange(render);
onBrand(render);
try {
  data = await api('/api/v1/privacy/notice');
} catch (e) {
  failure = () => errorText(e);
}
render();
