// Your account: who you are in Trellis, your roles and schools, and whether
// two-step verification is on (with the way to set it up, or new recovery codes when
// it is: POST /api/v1/me/recovery-codes); and changing your own password
// (POST /api/v1/me/password, which ends your other sessions).
import { start, t, h, api, onLangChange, fmtList, fmtDate, errorText, announce, showNetProblem } from './app.js';


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
      mfa.enrolled ? recoveryPart() : null,
    ),
    me.password_set === false
      ? h('section', { class: 'card' }, h('h2', {}, t('admin.own.heading')), h('p', {}, t('admin.own.no_password')))
      : passwordSection,
    h('section', { class: 'card' }, h('h2', {}, t('account.lang_heading')), h('p', {}, t('account.lang_text'))),
  );
}

// ---- new recovery codes (the old ones stop working) ----

let codes = null; // the codes just made, shown once
let codesAt = null;
let codesError = null;

function recoveryPart() {
  const left = me.mfa?.recovery_codes_left;
  const parts = [];
  if (left !== undefined && left < 3) parts.push(h('p', { class: 'notice' }, t('admin.own.codes_low')));
  parts.push(h('p', {}, t('admin.own.codes_text')));
  parts.push(h('p', {}, h('button', { type: 'button', id: 'new-codes', onclick: newCodes }, t('admin.own.codes_make'))));
  if (codesError) parts.push(h('p', { class: 'alert' }, codesError()));
  if (codes)
    parts.push(
      h(
        'div',
        { class: 'panel warn', id: 'codes-box', tabindex: '-1' },
        h('h3', {}, t('admin.own.codes_heading')),
        h('p', {}, t('admin.own.codes_once')),
        h('ul', { class: 'codes' }, codes.map((c) => h('li', {}, h('code', {}, c)))),
        h('p', { class: 'meta' }, t('admin.own.codes_date', { date: fmtDate(codesAt, { dateStyle: 'long', timeStyle: 'short' }) })),
      ),
    );
  return h('div', { class: 'admin-own-codes' }, parts);
}

async function newCodes() {
  codesError = null;
  try {
    const r = await api('/api/v1/me/recovery-codes', { method: 'POST' });
    codes = r.recovery_codes;
    codesAt = new Date();
    me.mfa.recovery_codes_left = codes.length;
  } catch (e) {
    codesError = () => errorText(e);
    if (e.network) showNetProblem('failed');
  }
  render();
  document.getElementById(codes ? 'codes-box' : 'new-codes')?.focus();
}

// ---- your own password ----
// Built once (not on each render), so what is typed survives a language switch.

function field(id, key, attrs, hintKey) {
  const input = h('input', { id, type: 'password', required: true, 'aria-describedby': hintKey ? `${id}-hint ${id}-err` : `${id}-err`, ...attrs });
  const err = h('p', { id: `${id}-err`, class: 'field-error', role: 'alert' });
  const hint = hintKey ? h('p', { id: `${id}-hint`, class: 'hint', 'data-i18n': hintKey }, t(hintKey)) : null;
  return { input, err, box: h('div', { class: 'field' }, h('label', { for: id, 'data-i18n': key }, t(key)), input, hint, err) };
}

const current = field('pw-current', 'admin.own.current', { name: 'current-password', autocomplete: 'current-password' });
const fresh = field('pw-new', 'admin.own.new', { name: 'new-password', autocomplete: 'new-password', minlength: '8' }, 'admin.own.new_hint');
const again = field('pw-again', 'admin.own.again', { name: 'new-password-again', autocomplete: 'new-password' });
const pwResult = h('p', { id: 'pw-result', role: 'status' });
const pwForm = h(
  'form',
  { novalidate: true, id: 'pw-form' },
  current.box,
  fresh.box,
  again.box,
  h('button', { type: 'submit', class: 'primary', 'data-i18n': 'admin.own.change' }, t('admin.own.change')),
);
const passwordSection = h(
  'section',
  { 'aria-labelledby': 'pw-h' },
  h('h2', { id: 'pw-h', 'data-i18n': 'admin.own.heading' }, t('admin.own.heading')),
  h('p', { 'data-i18n': 'admin.own.text' }, t('admin.own.text')),
  pwForm,
  pwResult,
);
let pwMessage = null;

function fieldError(f, text) {
  f.input.setAttribute('aria-invalid', 'true');
  announce(f.err, text);
  f.input.focus();
}

pwForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  for (const f of [current, fresh, again]) {
    f.err.textContent = '';
    f.input.removeAttribute('aria-invalid');
  }
  pwMessage = null;
  pwResult.textContent = '';
  if (!current.input.value) return fieldError(current, t('admin.own.need_current'));
  if (!fresh.input.value) return fieldError(fresh, t('admin.own.need_new'));
  if (fresh.input.value !== again.input.value) return fieldError(again, t('admin.own.mismatch'));
  try {
    await api('/api/v1/me/password', { method: 'POST', body: { current_password: current.input.value, password: fresh.input.value } });
  } catch (e) {
    // the server names the field it did not take
    const f = /^current_password: /.test(e.detail) ? current : /^password: /.test(e.detail) ? fresh : null;
    const text = e.status === 400 && f === current ? t('admin.own.wrong_current') : e.status === 400 && f === fresh ? `${t('admin.own.weak')} ${e.detail.replace(/^password: /, '')}` : errorText(e);
    if (f) fieldError(f, text);
    else announce(pwResult, text);
    if (e.network) showNetProblem('failed');
    return;
  }
  for (const f of [current, fresh, again]) f.input.value = '';
  pwMessage = 'admin.own.changed';
  announce(pwResult, t(pwMessage));
});
onLangChange(() => {
  if (pwMessage) pwResult.textContent = t(pwMessage);
});

onLangChange(render);
render();
