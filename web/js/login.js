// The login page: username and password, then (when the server asks for it) the
// second-factor step; or a login card, scanned by the camera where the browser
// has BarcodeDetector, or its short code typed in.
//
// Errors are shown in #login-error and spoken through #announce (role=alert);
// the "try again in N seconds" countdown updates only the visible text, so a
// screen reader hears it once, and hears "you can try again now" at the end.
import { start, api, t, announce, onLangChange, safeNext, errorText, showNetProblem, districtName, onBrand } from './app.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const next = safeNext(params.get('next'));

const pwStep = $('pw-step');
const tfStep = $('tf-step');
const pwForm = $('pw-form');
const tfForm = $('tf-form');
const codeForm = $('code-form');
const errBox = $('login-error');
const sr = $('announce');
const status = $('login-status');
const user = $('username');
const pass = $('password');
const totp = $('totp');
const code = $('card-code');

let creds = null; // username and password, kept for the second-factor step
let busy = false;
let throttleUntil = 0;
let throttleKey = 'errors.too_many_requests'; // or errors.busy: the server is checking other logins
let timer = null;
let errorMessage = null; // () => text of the error shown now, in the current language
let statusMessage = null;
const fieldErrors = new Map(); // input -> catalog key

// ---- messages ----

function paintError() {
  errBox.textContent = errorMessage ? errorMessage() : '';
}

function showError(render, { focus } = {}) {
  errorMessage = render;
  paintError();
  announce(sr, render());
  if (focus) {
    focus.focus();
    if (focus.select) focus.select();
  }
}

function clearError() {
  errorMessage = null;
  paintError();
  sr.textContent = '';
}

function showStatus(render) {
  statusMessage = render;
  status.textContent = render ? render() : '';
}

function setFieldError(input, key) {
  const out = $(input.getAttribute('aria-describedby').split(' ').find((id) => id.endsWith('-err')));
  if (key) {
    fieldErrors.set(input, key);
    input.setAttribute('aria-invalid', 'true');
    out.textContent = t(key);
  } else {
    fieldErrors.delete(input);
    input.removeAttribute('aria-invalid');
    out.textContent = '';
  }
}

function clearFieldErrors() {
  for (const input of [...fieldErrors.keys()]) setFieldError(input, null);
  for (const input of [user, pass, totp, code]) input.removeAttribute('aria-invalid');
}

// Required fields: mark each empty one, announce them all, focus the first.
function checkRequired(pairs) {
  const missing = pairs.filter(([input]) => input.value.trim() === '');
  for (const [input, key] of missing) setFieldError(input, key);
  if (!missing.length) return true;
  showError(() => missing.map(([, key]) => t(key)).join(' '), { focus: missing[0][0] });
  return false;
}

// ---- throttling ----

function secondsLeft() {
  return Math.max(0, Math.ceil((throttleUntil - Date.now()) / 1000));
}

function setSubmitsDisabled(off) {
  for (const b of document.querySelectorAll('#main button[type=submit]')) {
    if (off) b.setAttribute('aria-disabled', 'true');
    else b.removeAttribute('aria-disabled');
  }
}

function throttle(seconds, key = 'errors.too_many_requests') {
  throttleUntil = Date.now() + Math.max(1, seconds) * 1000;
  throttleKey = key;
  setSubmitsDisabled(true);
  showError(() => t(throttleKey, { count: secondsLeft() }));
  clearInterval(timer);
  timer = setInterval(() => {
    if (secondsLeft() > 0) {
      paintError();
      return;
    }
    clearInterval(timer);
    timer = null;
    setSubmitsDisabled(false);
    clearError();
    showStatus(() => t('login.try_now'));
  }, 1000);
}

function throttled() {
  if (secondsLeft() === 0) return false;
  showError(() => t(throttleKey, { count: secondsLeft() }));
  return true;
}

// ---- steps ----

function showSecondFactor() {
  pwStep.hidden = true;
  $('card-step').hidden = true;
  tfStep.hidden = false;
  totp.value = '';
  totp.focus();
}

function backToPassword() {
  creds = null;
  tfStep.hidden = true;
  pwStep.hidden = false;
  $('card-step').hidden = false;
  pass.value = '';
  clearError();
  clearFieldErrors();
  user.focus();
}

// ---- requests ----

async function send(path, body, onFail) {
  if (busy || throttled()) return;
  busy = true;
  showStatus(() => t('login.checking'));
  try {
    await api(path, { method: 'POST', body });
    showStatus(() => t('login.success'));
    location.assign(next);
    return;
  } catch (e) {
    showStatus(null);
    if ((e.code === 'too_many_requests' || e.status === 429) && e.retryAfter > 3600) {
      // the account stopped new places after too many failures: no countdown to wait out
      showError(() => t('login.locked_here'), { focus: user });
    } else if (e.code === 'too_many_requests' || e.status === 429)
      throttle(e.retryAfter || 30, e.code === 'busy' ? 'errors.busy' : 'errors.too_many_requests');
    else if (e.network) {
      showError(() => errorText(e));
      showNetProblem(navigator.onLine === false ? 'offline' : 'failed');
    } else onFail(e);
  } finally {
    busy = false;
  }
}

async function onPassword(ev) {
  ev.preventDefault();
  clearError();
  clearFieldErrors();
  if (!checkRequired([[user, 'login.need_username'], [pass, 'login.need_password']])) return;
  creds = { username: user.value.trim(), password: pass.value };
  await send('/api/v1/session', creds, (e) => {
    if (e.code === 'second_factor_required') {
      showSecondFactor();
      return;
    }
    creds = null;
    pass.value = '';
    setFieldError(user, null);
    if (e.code === 'account_disabled') {
      // the password was right: nothing to fix in the form, someone must turn the account on
      showError(() => errorText(e), { focus: user });
      return;
    }
    user.setAttribute('aria-invalid', 'true');
    pass.setAttribute('aria-invalid', 'true');
    showError(() => errorText(e), { focus: e.code === 'invalid_credentials' ? pass : user });
  });
}

async function onSecondFactor(ev) {
  ev.preventDefault();
  clearError();
  clearFieldErrors();
  if (!creds) {
    backToPassword();
    return;
  }
  if (!checkRequired([[totp, 'login.need_code']])) return;
  const value = totp.value.replace(/\s+/g, '');
  await send('/api/v1/session', { ...creds, totp: value }, (e) => {
    if (e.code === 'second_factor_required' || e.code === 'invalid_credentials') {
      setFieldError(totp, 'login.bad_code');
      showError(() => t('login.bad_code'), { focus: totp });
    } else {
      showError(() => errorText(e), { focus: totp });
    }
  });
}

async function loginWithCard(secret) {
  clearError();
  clearFieldErrors();
  await send('/api/v1/session/card', { code: secret }, (e) => {
    const bad = e.status === 401 || e.status === 404 || e.code === 'invalid_credentials';
    if (bad) setFieldError(code, 'login.bad_card');
    showError(() => (bad ? t('login.bad_card') : errorText(e)), { focus: code });
  });
}

async function onCode(ev) {
  ev.preventDefault();
  clearError();
  clearFieldErrors();
  if (!checkRequired([[code, 'login.need_card']])) return;
  await loginWithCard(code.value.trim().replace(/\s+/g, ''));
}

// ---- camera (BarcodeDetector) ----

// What a card's QR code holds: a URL ending in /card#<secret>, or the code itself.
function cardSecret(text) {
  const s = String(text || '').trim();
  try {
    const u = new URL(s);
    return /\/card\/?$/.test(u.pathname) && u.hash.length > 1 ? decodeURIComponent(u.hash.slice(1)) : null;
  } catch {
    return /^[A-Za-z0-9_-]{4,128}$/.test(s) ? s : null;
  }
}

async function canScan() {
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices?.getUserMedia) return false;
  try {
    return (await window.BarcodeDetector.getSupportedFormats()).includes('qr_code');
  } catch {
    return false;
  }
}

let stopScan = null;
const scanStatus = $('scan-status');

async function startScan() {
  const video = $('scan-video');
  const box = $('scan-box');
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch {
    showError(() => t('login.no_camera'), { focus: code });
    return;
  }
  box.hidden = false;
  $('scan-stop').focus(); // the start button is going away: keep focus in the page
  $('scan-start').hidden = true;
  video.srcObject = stream;
  await video.play().catch(() => {});
  announce(scanStatus, t('login.scan_hold'));
  const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
  let stopped = false;
  stopScan = (refocus = true) => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
    box.hidden = true;
    $('scan-start').hidden = false;
    stopScan = null;
    if (refocus) $('scan-start').focus();
  };
  const tick = async () => {
    if (stopped) return;
    try {
      for (const found of await detector.detect(video)) {
        const secret = cardSecret(found.rawValue);
        if (secret) {
          stopScan(false);
          announce(scanStatus, t('login.scan_found'));
          await loginWithCard(secret);
          return;
        }
        announce(scanStatus, t('login.scan_not_card'));
      }
    } catch {
      // the video is not ready yet: try the next frame
    }
    setTimeout(tick, 250);
  };
  tick();
}

// ---- start ----

pwForm.addEventListener('submit', onPassword);
tfForm.addEventListener('submit', onSecondFactor);
codeForm.addEventListener('submit', onCode);
$('tf-back').addEventListener('click', backToPassword);
$('show-password').addEventListener('change', (ev) => {
  pass.type = ev.target.checked ? 'text' : 'password';
});
$('scan-start').addEventListener('click', startScan);
$('scan-stop').addEventListener('click', () => stopScan && stopScan());

// Why the last session ended (/login?ended=idle; seconds=1800, from the
// server's Trellis-Session-Ended header): said once, politely, above the form.
function endedMessage(v) {
  const m = /^(idle|expired|off|card)(?:; *seconds=(\d+))?$/.exec(v || '');
  if (!m) return null;
  const s = Number(m[2] || 0);
  if (m[1] === 'idle')
    return s % 60 === 0 ? () => t('login.ended_idle', { count: s / 60 }) : () => t('login.ended_idle_s', { count: s });
  if (m[1] === 'expired') return () => t('login.ended_expired', { count: Math.round(s / 3600) });
  return () => t(`login.ended_${m[1]}`);
}

const who = await start({ auth: 'optional' });
if (params.has('bye')) showStatus(() => t('login.bye'));
else if (endedMessage(params.get('ended'))) showStatus(endedMessage(params.get('ended')));
function paintAlready() {
  if (who) $('already-text').textContent = t('login.already', { name: who.name || who.username });
}
if (who) {
  $('already').hidden = false;
  paintAlready();
}
if (await canScan()) $('scan').hidden = false;

// whose login page this is: the district's name under the heading (its logo is in the header)
function paintDistrict() {
  const d = districtName();
  $('login-district').hidden = !d;
  $('login-district').textContent = d ? t('look.login_district', { district: d }) : '';
}
paintDistrict();
onBrand(paintDistrict);
onLangChange(paintDistrict);

onLangChange(() => {
  paintError();
  sr.textContent = '';
  if (statusMessage) status.textContent = statusMessage();
  for (const [input, key] of fieldErrors) setFieldError(input, key);
  paintAlready();
});
