// Printable login cards for a class: GET /api/v1/classes/{id}/cards, one card per
// student with the QR code (an SVG from the server), the short code and how to
// use it. /css/app.css lays them out 2 x 4 per sheet on A4 and on US Letter.
// "Revoke" (POST .../cards/{student}/revoke) stops a lost card from working.
import { start, api, t, h, onLangChange, errorText, showNetProblem, svgImage, fmtDate, announce, emptyState, icon, districtName } from './app.js';

const classId = new URLSearchParams(location.search).get('class') || '';
const title = document.getElementById('title');
const status = document.getElementById('status');
const content = document.getElementById('content');

await start({ texts: ['cards'] });
let data = null;
let failure = null;
let note = null; // () => text of the last revoke result
const printedAt = new Date();

// Where a family types the code: the server's public address (from the card's link, not
// the address this page happens to be open at), as a person would type it. An address
// only this machine or network knows (localhost, an IP address) is no use on paper: the
// card then just says to open the login page.
function loginSite(url) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return '';
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || /^[\d.]+$/.test(host) || host.includes(':')) return '';
  return (u.host + u.pathname.replace(/\/card$/, '')).replace(/\/$/, '');
}

function card(c) {
  const name = c.student?.name || '';
  const sid = c.student?.id;
  return h(
    'li',
    { class: 'card' },
    districtName() ? h('p', { class: 'card-district' }, districtName()) : null,
    h('h2', { class: 'card-name' }, name),
    h(
      'div',
      { class: 'card-body' },
      c.qr_svg ? svgImage(c.qr_svg, t('cards.qr_alt', { name }), 'card-qr') : null,
      h(
        'div',
        { class: 'card-text' },
        h('p', { class: 'card-code-label' }, t('cards.code')),
        h('p', { class: 'card-code' }, c.code || ''),
        h('p', { class: 'card-how' }, loginSite(c.url) ? t('cards.how', { site: loginSite(c.url) }) : t('look.card_how')),
      ),
    ),
    sid !== undefined
      ? h('p', { class: 'no-print card-actions' }, h('button', { type: 'button', 'data-revoke': sid, 'data-name': name }, t('cards.revoke', { name })))
      : null,
  );
}

function render() {
  if (failure) {
    document.title = t('title.cards');
    title.textContent = t('cards.heading');
    status.textContent = failure();
    return;
  }
  if (!data) return;
  const c = data.class || {};
  const cards = data.cards || [];
  document.title = t('title.cards_named', { title: c.title || '' });
  title.textContent = t('cards.heading_named', { title: c.title || '' });
  document.getElementById('back').textContent = t('cards.back_class');
  document.getElementById('back').href = `/class?id=${encodeURIComponent(c.id ?? classId)}`;
  content.replaceChildren(
    h(
      'div',
      { class: 'no-print' },
      h('p', {}, t('cards.intro')),
      h('p', {}, t('cards.lost')),
      h('p', {}, h('button', { type: 'button', class: 'primary', id: 'print' }, icon('printer'), t('cards.print'))),
      h('p', { class: 'notice', role: 'status', id: 'revoke-status' }, note ? note() : ''),
    ),
    h('p', { class: 'print-only meta' }, t('cards.printed', { date: fmtDate(printedAt), title: c.title || '' })),
    cards.length ? h('ul', { class: 'cards' }, cards.map(card)) : emptyState({ icon: 'people', title: t('cards.none'), text: t('look.no_students_do') }),
  );
}

async function load() {
  failure = null;
  status.textContent = t('common.loading');
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(classId)) throw Object.assign(new Error('id'), { status: 404, code: 'not_found' });
    data = await api(`/api/v1/classes/${encodeURIComponent(classId)}/cards`);
    status.textContent = '';
  } catch (e) {
    failure = () => (e.status === 404 ? t('class.not_found') : errorText(e));
    if (e.network) showNetProblem('failed', load);
  }
  render();
}

content.addEventListener('click', async (ev) => {
  if (ev.target.closest('#print')) {
    window.print();
    return;
  }
  const b = ev.target.closest('[data-revoke]');
  if (!b) return;
  const name = b.dataset.name;
  if (!window.confirm(t('cards.revoke_confirm', { name }))) return;
  const sid = b.dataset.revoke;
  try {
    await api(`/api/v1/classes/${encodeURIComponent(classId)}/cards/${encodeURIComponent(sid)}/revoke`, { method: 'POST' });
    note = () => t('cards.revoked', { name });
    data = await api(`/api/v1/classes/${encodeURIComponent(classId)}/cards`);
  } catch (e) {
    note = () => errorText(e);
    if (e.network) showNetProblem('failed');
  }
  render();
  announce(document.getElementById('revoke-status'), note());
  document.getElementById('print').focus();
});

onLangChange(render);
await load();
