// /badge?id=<uuid>: the public page a teacher shares to show a micro-credential. It shows
// what the signed credential holds (the achievement, its criteria, the issuer, the holder's
// name as the credential names them, the dates) and what checking it found (the signature
// with the issuer's published keys, expiry, revocation): nothing else about anyone. No login.
import { start, api, t, h, icon, fmtDate, onLangChange, errorText } from './app.js';

const id = new URLSearchParams(location.search).get('id') || '';
const status = document.getElementById('status');
const err = document.getElementById('badge-error');
const box = document.getElementById('badge');
let data = null;
let failure = null;

await start({ auth: false, texts: ['badges'] });

function date(s) {
  return s ? fmtDate(new Date(s)) : null;
}

function row(label, value) {
  return value ? [h('dt', {}, label), h('dd', {}, value)] : [];
}

function render() {
  if (failure) {
    status.textContent = '';
    err.textContent = failure();
    return;
  }
  if (!data) return;
  const v = data.verification;
  const c = data.credential;
  const subject = c.credentialSubject || {};
  const ach = subject.achievement || {};
  const holder = (subject.identifier || []).find((i) => i.identityType === 'name' && !i.hashed);
  const state = v.verified ? 'verified' : v.status === 'revoked' ? 'revoked' : v.status === 'expired' ? 'expired' : 'invalid';
  status.textContent = '';
  box.replaceChildren(
    h('section', { class: `badge-result badge-${state}`, 'aria-labelledby': 'badge-result-title' },
      icon(state === 'verified' ? 'check-circle' : 'exclamation-triangle', 'badge-result-icon'),
      h('div', {},
        h('h2', { id: 'badge-result-title' }, t(`badges.state.${state}`)),
        h('p', {}, t(`badges.state.${state}_text`)))),
    h('section', { class: 'badge-card', 'aria-labelledby': 'badge-name' },
      h('h2', { id: 'badge-name' }, ach.name || c.name || ''),
      ach.description ? h('p', { class: 'badge-description' }, ach.description) : null,
      h('dl', { class: 'badge-facts' },
        ...row(t('badges.holder'), holder?.identityHash),
        ...row(t('badges.criteria'), ach.criteria?.narrative),
        ...row(t('badges.issuer'), c.issuer?.name),
        ...row(t('badges.issued'), date(c.validFrom)),
        ...row(t('badges.until'), c.validUntil ? date(c.validUntil) : t('badges.no_end')),
        ...row(t('badges.id'), c.id))),
    h('p', { class: 'badge-downloads' },
      h('a', { class: 'button', href: `/badges/c/${encodeURIComponent(id)}`, download: 'credential.jwt' },
        icon('download'), t('badges.download')),
      h('a', { class: 'button', href: `/badges/png/${encodeURIComponent(id)}`, download: 'credential.png' },
        icon('download'), t('badges.download_png'))),
    h('p', { class: 'badge-how' }, t('badges.how')));
  box.hidden = false;
}

onLangChange(render);

if (!/^[0-9a-f-]{36}$/.test(id)) {
  failure = () => t('badges.not_found');
  render();
} else {
  try {
    data = await api(`/api/v1/badges/${encodeURIComponent(id)}`);
  } catch (e) {
    failure = () => (e.status === 404 ? t('badges.not_found') : errorText(e));
  }
  render();
}
