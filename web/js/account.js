// Your account: who you are in Trellis, your roles and schools, and whether
// two-step verification is on (with the way to set it up).
import { start, t, h, onLangChange, fmtList } from './app.js';


const status = document.getElementById('status');
const content = document.getElementById('content');
const me = await start();

function row(label, value) {
  return h('div', {}, h('dt', {}, label), h('dd', {}, value || '—'));
}

function render() {
  document.title = t('title.account');
  status.textContent = '';
  const mfa = me.mfa || {};
  const mfaText = mfa.enrolled ? t('account.mfa_on') : mfa.required ? t('account.mfa_off_required') : t('account.mfa_off');
  content.replaceChildren(
    h(
      'dl',
      { class: 'facts card' },
      row(t('account.name'), me.name),
      row(t('account.username'), me.username),
      row(t('account.roles'), fmtList((me.roles || []).map((r) => t(`role.${r}`)))),
      row(t('account.district'), me.district?.name),
      row(
        t('account.schools'),
        me.roles?.includes('district_admin') && !me.schools?.length ? t('account.all_schools') : fmtList((me.schools || []).map((s) => s.name)),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('account.mfa_heading')),
      h('p', { class: mfa.enrolled ? 'state on' : 'state off' }, mfaText),
      mfa.enrolled && mfa.recovery_codes_left !== undefined
        ? h('p', {}, t('account.recovery_left', { count: mfa.recovery_codes_left }))
        : null,
      mfa.enrolled ? null : h('p', {}, h('a', { class: 'button primary', href: '/totp' }, t('account.mfa_setup'))),
    ),
    h('section', { class: 'card' }, h('h2', {}, t('account.lang_heading')), h('p', {}, t('account.lang_text'))),
  );
}

onLangChange(render);
render();
