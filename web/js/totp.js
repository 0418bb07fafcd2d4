// Setting up two-step verification (TOTP, RFC 6238): POST /api/v1/me/totp gives
// the otpauth URI, its QR code and the key; POST /api/v1/me/totp/confirm with a
// code from the app turns it on and answers with one-time recovery codes.
import { start, api, t, h, onLangChange, errorText, showNetProblem, svgImage, announce, fmtDate } from './app.js';

const $ = (id) => document.getElementById(id);
const err = $('totp-error');
const code = $('code');
let enrolment = null;
let codes = null;
let message = null;
let codeErr = null;
const shownAt = new Date();

await start({ texts: ['totp'] });

function fail(render, focus) {
  message = render;
  announce(err, render());
  if (focus) focus.focus();
}

function paintScan() {
  if (!enrolment) return;
  $('qr').replaceChildren(svgImage(enrolment.qr_svg, t('totp.qr_alt'), 'totp-qr'));
  // the key in groups of four, easier to type
  $('secret').textContent = String(enrolment.secret || '').replace(/(.{4})(?=.)/g, '$1 ');
  $('otpauth').href = enrolment.otpauth_uri;
}

function paintCodes() {
  if (!codes) return;
  $('codes').replaceChildren(...codes.map((c) => h('li', {}, h('code', {}, c))));
  $('codes-date').textContent = t('totp.codes_date', { date: fmtDate(shownAt) });
}

$('begin').addEventListener('click', async () => {
  message = null;
  err.textContent = '';
  try {
    enrolment = await api('/api/v1/me/totp', { method: 'POST' });
  } catch (e) {
    // 403 forbidden: the 72 hours to set up a first second factor with the password alone
    // have passed (a stolen password enrols nothing); an administrator's new password reopens them
    fail(() => (e.status === 403 && e.code === 'forbidden' ? t('totp.window_closed') : errorText(e)), $('begin'));
    if (e.network) showNetProblem('failed');
    return;
  }
  paintScan();
  $('step-start').hidden = true;
  $('step-scan').hidden = false;
  $('scan-h').focus();
});

$('confirm-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  message = null;
  err.textContent = '';
  const value = code.value.replace(/\s+/g, '');
  const setCodeErr = (key) => {
    codeErr = key;
    $('code-err').textContent = key ? t(key) : '';
    if (key) code.setAttribute('aria-invalid', 'true');
    else code.removeAttribute('aria-invalid');
  };
  if (!/^\d{6,8}$/.test(value)) {
    setCodeErr('totp.need_code');
    fail(() => t('totp.need_code'), code);
    return;
  }
  setCodeErr(null);
  try {
    const r = await api('/api/v1/me/totp/confirm', { method: 'POST', body: { totp: value } });
    codes = r.recovery_codes || [];
  } catch (e) {
    const wrong = e.status === 400 || e.status === 401 || e.status === 422;
    if (wrong) setCodeErr('totp.bad_code');
    fail(() => (wrong ? t('totp.bad_code') : errorText(e)), code);
    if (e.network) showNetProblem('failed');
    return;
  }
  paintCodes();
  $('step-scan').hidden = true;
  $('step-codes').hidden = false;
  $('codes-h').focus();
});

$('print-codes').addEventListener('click', () => window.print());

onLangChange(() => {
  document.title = t('title.totp');
  if (message) err.textContent = message();
  if (codeErr) $('code-err').textContent = t(codeErr);
  paintScan();
  paintCodes();
});
