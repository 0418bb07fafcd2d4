// The family's home internet and devices survey (/survey.html#code=...): no account,
// made for a phone on a weak connection (this file, app.js and two small catalogs).
// The code is read from the address and taken out of it at once (so it stays neither
// in the history of a shared phone nor on screen), checked, and then the answers are
// sent with it; the server takes each code once. The questions are the CoSN/CCSSO/Ed-Fi
// student digital-access elements (docs/EQUITY.md, "Home connectivity").
import { start, api, t, has, errorText, onLangChange, currentLang, announce } from './app.js';
import { QUESTIONS } from './survey-questions.js';

const codeForm = document.getElementById('code-step');
const codeInput = document.getElementById('code');
const codeError = document.getElementById('code-error');
const answerForm = document.getElementById('answer-step');
const questions = document.getElementById('questions');
const summary = document.getElementById('answer-errors');
const done = document.getElementById('done-step');

// The code from the link (#code=ABCDE23456), out of the address bar at once.
const fromLink = new URLSearchParams(location.hash.slice(1)).get('code') || '';
if (location.hash) history.replaceState(null, '', location.pathname);

let code = '';
let codeMessage = null; // () => text, so a change of language redraws it
let errors = {}; // field -> () => text

function answers() {
  const a = {};
  for (const q of QUESTIONS) {
    const v = answerForm.querySelector(`input[name="${q.field}"]:checked`);
    if (v) a[q.field] = v.value;
  }
  return a;
}

function drawQuestions() {
  const kept = answers();
  questions.textContent = '';
  for (const q of QUESTIONS) {
    const fs = document.createElement('fieldset');
    fs.className = 'choices survey-q';
    fs.id = `q-${q.field}`;
    const legend = document.createElement('legend');
    legend.textContent = t(`survey.q.${q.field}`);
    fs.append(legend);
    if (has(`survey.q.${q.field}.hint`)) {
      const hint = document.createElement('p');
      hint.className = 'hint';
      hint.id = `h-${q.field}`;
      hint.textContent = t(`survey.q.${q.field}.hint`);
      fs.append(hint);
    }
    for (const c of q.choices) {
      const id = `${q.field}-${c}`;
      const row = document.createElement('div');
      row.className = 'survey-choice';
      const input = document.createElement('input');
      input.type = 'radio';
      input.name = q.field;
      input.id = id;
      input.value = c;
      input.checked = kept[q.field] === c;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = t(`survey.a.${q.field}.${c}`);
      row.append(input, label);
      fs.append(row);
    }
    const err = document.createElement('p');
    err.className = 'field-error';
    err.id = `e-${q.field}`;
    fs.append(err);
    fs.setAttribute('aria-describedby', [has(`survey.q.${q.field}.hint`) ? `h-${q.field}` : '', err.id].filter(Boolean).join(' '));
    questions.append(fs);
  }
  showAsked();
  drawErrors();
}

// Only the questions that apply to the answers so far are shown (and sent).
function showAsked() {
  const a = answers();
  for (const q of QUESTIONS) {
    const fs = document.getElementById(`q-${q.field}`);
    fs.hidden = q.when ? !q.when(a) : false;
  }
}

function drawErrors() {
  for (const q of QUESTIONS) {
    const el = document.getElementById(`e-${q.field}`);
    const fs = document.getElementById(`q-${q.field}`);
    if (!el) continue;
    el.textContent = errors[q.field] ? errors[q.field]() : '';
    if (errors[q.field]) fs.setAttribute('aria-invalid', 'true');
    else fs.removeAttribute('aria-invalid');
  }
  const n = Object.keys(errors).length;
  summary.hidden = n === 0;
  summary.textContent = n ? t('survey.fix', { count: n }) : '';
}

function codeProblem(e) {
  if (e.status === 404 || e.status === 400) return () => t('survey.code_unknown');
  if (e.status === 410 && /used/.test(e.detail)) return () => t('survey.code_used');
  if (e.status === 410) return () => t('survey.code_expired');
  if (e.status === 429) return () => t('survey.too_many', { count: e.retryAfter || 60 });
  return () => errorText(e);
}

function showCodeError(render) {
  codeMessage = render;
  codeError.textContent = render ? render() : '';
  if (render) codeInput.setAttribute('aria-invalid', 'true');
  else codeInput.removeAttribute('aria-invalid');
}

async function checkCode(value) {
  showCodeError(null);
  if (!value.trim()) {
    showCodeError(() => t('survey.code_missing'));
    codeInput.focus();
    return;
  }
  const button = codeForm.querySelector('button');
  button.disabled = true;
  try {
    await api('/api/v1/survey/code', { method: 'POST', body: { code: value } });
    code = value;
    codeForm.hidden = true;
    answerForm.hidden = false;
    drawQuestions();
    answerForm.querySelector('h2').tabIndex = -1;
    answerForm.querySelector('h2').focus();
  } catch (e) {
    showCodeError(codeProblem(e));
    codeInput.focus();
  } finally {
    button.disabled = false;
  }
}

codeForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  checkCode(codeInput.value);
});

answerForm.addEventListener('change', () => {
  showAsked();
  if (Object.keys(errors).length) {
    const a = answers();
    for (const f of Object.keys(errors)) if (a[f]) delete errors[f];
    drawErrors();
  }
});

answerForm.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const a = answers();
  errors = {};
  const body = { code, lang: currentLang() };
  for (const q of QUESTIONS) {
    if (q.when && !q.when(a)) continue;
    if (!a[q.field]) errors[q.field] = () => t('survey.choose');
    else body[q.field] = a[q.field];
  }
  drawErrors();
  if (Object.keys(errors).length) {
    summary.focus();
    return;
  }
  const button = answerForm.querySelector('button[type="submit"]');
  button.disabled = true;
  try {
    await api('/api/v1/survey/answers', { method: 'POST', body });
    answerForm.hidden = true;
    done.hidden = false;
    document.getElementById('done-help').hidden = !(a.internet_type === 'none' || a.internet_adequate === 'no' || a.device_type === 'none' || a.device_shared === 'shared');
    done.focus();
  } catch (e) {
    const field = /^([a-z_]+):/.exec(e.detail || '')?.[1];
    if (e.status === 400 && field && QUESTIONS.some((q) => q.field === field)) {
      errors[field] = () => t('survey.choose');
      drawErrors();
      summary.focus();
    } else if (field === 'code' || e.status === 404 || e.status === 410 || e.status === 429) {
      // the code went stale meanwhile: back to the first step, saying why
      answerForm.hidden = true;
      codeForm.hidden = false;
      showCodeError(codeProblem(e));
      codeInput.focus();
    } else {
      summary.hidden = false;
      announce(summary, errorText(e));
      summary.focus();
    }
  } finally {
    button.disabled = false;
  }
});

await start({ auth: false, texts: ['survey'] });
onLangChange(() => {
  if (!answerForm.hidden) drawQuestions();
  if (codeMessage) codeError.textContent = codeMessage();
});
if (fromLink) {
  codeInput.value = fromLink;
  checkCode(fromLink);
}
