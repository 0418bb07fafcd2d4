// The student's practice page: one problem at a time, chosen for them (GET
// /api/v1/practice/next, with the reason it was chosen), answered step by step (POST
// /api/v1/practice/attempts), with hints one at a time ending in a worked example
// (POST /api/v1/practice/hints), smaller steps after two wrong tries, the skill's
// mastery, and the problem read aloud where the device has a voice.
//
// Offline: every answer is put in the device's queue (js/offline.js) before it is
// sent, with its own id, the time it was answered, the attempt number, the hints used
// and the time taken; the queue is sent in order whenever there is a connection, and
// the server records a resent answer once. Problems for offline use come with the
// next one (?ahead=N): without a connection the page takes them from the device and
// checks number, fraction, choice and text answers itself (js/answer.js, the server's
// rules); an expression, or a problem whose answers the device does not have, is
// checked when the answer reaches the server.
import { start, api, t, h, has, onLangChange, errorText, showNetProblem, currentLang, setOfflineMessage, announce, refreshMe } from './app.js';
import { checkStep } from './answer.js';
import { spokenText, spokenSymbols, voiceFor, onVoices, speak, stopSpeaking } from './speech.js';
import * as device from './offline.js';
import { fragment, plainText, fractionMath } from './mathview.js';

const POOL = 3; // problems kept for offline use
const $ = (id) => document.getElementById(id);
const title = $('title');
const status = $('status');
const content = $('content');
const syncLine = $('sync');
const say = $('say'); // what a screen reader says after an answer or a hint (role=status)

// The learner this device last practised for (app.js forgets it at log out), so a page
// opened without a connection knows whose problems and answers are kept here.
const LAST_USER = 'trellis.practice.user';
const lastUser = {
  get: () => {
    try {
      return localStorage.getItem(LAST_USER);
    } catch {
      return null;
    }
  },
  set: (id) => {
    try {
      localStorage.setItem(LAST_USER, String(id));
    } catch {
      // not kept: offline practice needs the page opened online first
    }
  },
};

let me = await start({ texts: ['practice'] });
let user = me?.id ?? lastUser.get();
let pool = [];
let problem = null; // what is on screen (see newProblem)
let failure = null; // () => message, when there is nothing to show
let syncNote = null; // the queue line: () => text
let durable = true;
let toSay = null; // () => text to announce once the page is drawn

setOfflineMessage('practice.offline');
const online = () => navigator.onLine !== false;
if (!online()) showNetProblem('offline');

// ---- state ----

// A problem as the page keeps it (JSON, so the device can keep it too):
//   source 'server' (the learner's current problem) or 'device' (kept for offline use,
//   with every step and the answers the device checks with); view: what the API gave;
//   lang: the language of its texts; steps: the steps shown so far (stepState);
//   done: every step answered; pending: answered, checked when back online.
function newProblem(view, source) {
  const p = {
    source, view, lang: currentLang(), steps: [], done: false, pending: false,
    mastery: view.skill?.mastery ?? null, mastered: !!view.skill?.mastered, celebrate: null,
  };
  const first = source === 'device' ? view.all_steps?.[view.step_index ?? 0] || view.step : view.step;
  p.steps.push(newStep(first, view.step_index ?? 0, `s${view.step_index ?? 0}`, source === 'server' ? view : null));
  return p;
}

function newStep(view, index, key, resume) {
  return {
    view, index, key, lang: currentLang(),
    attempts: resume?.attempts ?? 0, // answers given to this step so far
    hintsUsed: resume?.hints_shown ?? 0, // hints the learner has seen (the server counts them too)
    hints: [], // the texts shown here: {index, of, worked_example, html, lang}
    hintNote: null, // a catalog key: why no hint came
    draft: '', // what is typed (or chosen), kept across a language switch
    feedback: null, // {kind: right|wrong|saved|empty|error, local, reason, html, name, lang, message}
    answered: false,
    scaffolds: [],
    shownAt: Date.now(),
  };
}

async function keepActive() {
  if (!user) return;
  const copy = problem ? JSON.parse(JSON.stringify(problem, (k, v) => (k === 'busy' ? undefined : v))) : undefined;
  await device.setState(`${user}:active`, copy).catch(() => {});
}

async function keepPool() {
  if (user) await device.setState(`${user}:pool`, pool).catch(() => {});
}

function addToPool(items) {
  for (const it of items || []) if (it?.instance && it.all_steps) pool.push({ ...it, lang: currentLang() });
  while (pool.length > POOL) pool.shift();
  keepPool();
}

// ---- the texts of a step ----

function typingHelp(type) {
  return { number: 'practice.help_number', fraction: 'practice.help_fraction', expression: 'practice.help_expression' }[type] || null;
}

function reasonText(reason) {
  if (!reason) return '';
  if (reason.startsWith('parse_error')) return t('practice.reason.parse_error');
  const key = `practice.reason.${reason}`;
  return ['not_simplified', 'not_a_number', 'not_a_fraction', 'ambiguous_separator', 'division_by_zero', 'too_long', 'cannot_decide', 'out_of_range'].includes(reason) ? t(key) : '';
}

function feedbackNodes(st) {
  const fb = st.feedback;
  if (!fb) return [];
  const sign = (cls, word) => h('strong', { class: `fb-word ${cls}` }, h('span', { class: 'sign', 'aria-hidden': 'true' }), word);
  const extra = [];
  if (fb.local) extra.push(' ', h('span', { class: 'fb-local' }, t('practice.checked_here')));
  if (fb.kind === 'empty') return [sign('bad', t(st.view.type === 'choice' ? 'practice.empty_choice' : 'practice.empty'))];
  if (fb.kind === 'error') return [sign('bad', fb.message)];
  if (fb.kind === 'saved') return [sign('saved', t('practice.saved')), ' ', t('practice.saved_text')];
  if (fb.kind === 'right') {
    const more = problem && !problem.done && problem.steps.includes(st) && problem.steps.at(-1) !== st ? t('practice.right_next_step') : t('practice.right_text');
    return [h('p', {}, sign('good', t('practice.right')), ' ', more, ...extra)];
  }
  const parts = [h('p', {}, sign('bad', t('practice.wrong')), ' ', reasonText(fb.reason) || t('practice.try_again'), ...extra)];
  if (fb.name) parts.push(h('p', { class: 'misconception', lang: fb.lang }, t('practice.misconception', { name: fb.name })));
  if (fb.html) parts.push(h('p', { class: 'fb-more', lang: fb.lang }, fragment(fb.html)));
  if (reasonText(fb.reason) && (fb.name || fb.html)) parts.push(h('p', {}, t('practice.try_again')));
  return parts;
}

// ---- building the page ----

// Each step is a card: its prompt, the answer field for its type, Check, Hint, Read
// aloud, the feedback (a live region: a screen reader says it) and the hints shown.
function stepCard(st, { main, number, total }) {
  const k = st.key;
  const ids = { prompt: `prompt-${k}`, answer: `answer-${k}`, help: `help-${k}`, fb: `fb-${k}`, hints: `hints-${k}` };
  const v = st.view;
  const promptLang = st.lang;
  const prompt = h('div', { class: 'prompt', id: ids.prompt, lang: promptLang }, fragment(v.prompt_html));
  const heading = total > 1 || !main ? h(main ? 'h3' : 'h4', { class: 'step-h' }, main ? t('practice.step_of', { n: number, total }) : t('practice.smaller_step', { n: number })) : null;
  const help = typingHelp(v.type);
  let field;
  if (v.type === 'choice') {
    field = h(
      'fieldset',
      { class: 'choices', 'aria-describedby': ids.prompt },
      h('legend', {}, t('practice.choose')),
      (v.choices || []).map((c, i) =>
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'radio', name: ids.answer, id: `${ids.answer}-${i}`, value: c.id, checked: st.draft === c.id, disabled: st.answered }),
          h('span', { lang: promptLang }, fragment(c.html)),
        ),
      ),
    );
  } else {
    const attrs = {
      id: ids.answer, name: 'answer', type: 'text', class: `answer answer-${v.type}`, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
      'aria-describedby': [ids.prompt, help ? ids.help : null].filter(Boolean).join(' '), value: st.draft, readonly: st.answered,
      inputmode: v.type === 'number' ? 'decimal' : null, enterkeyhint: 'done',
    };
    const input = h('input', attrs);
    const preview = v.type === 'fraction' ? h('p', { class: 'frac-preview', 'aria-hidden': 'true' }) : null;
    const showPreview = () => {
      if (!preview) return;
      const mm = fractionMath(input.value);
      preview.replaceChildren(...(mm ? [h('span', { class: 'meta' }, t('practice.you_wrote')), ' ', mm] : []));
    };
    input.addEventListener('input', () => {
      st.draft = input.value;
      showPreview();
    });
    showPreview();
    field = h(
      'div',
      { class: 'field' },
      h('label', { for: ids.answer }, t('practice.your_answer')),
      help ? h('p', { class: 'hint', id: ids.help }, t(help)) : null,
      input,
      preview,
    );
  }
  const check = h('button', { type: 'submit', class: 'primary big', hidden: st.answered }, t('practice.check'));
  const hintLeft = (v.hints || 0) - st.hintsUsed;
  const nextIsWorked = hintLeft === 1;
  // every hint was seen (on another device, or before a reload) and the worked example
  // is not on screen: it can be asked for again
  const again = hintLeft <= 0 && (v.hints || 0) > 0 && !st.hints.some((x) => x.worked_example);
  const hintBtn = h(
    'button',
    { type: 'button', class: 'big', hidden: st.answered || (hintLeft <= 0 && !again), 'data-hint': k },
    again ? t('practice.show_worked_again') : nextIsWorked ? t('practice.show_worked') : st.hintsUsed === 0 ? t('practice.hint') : t('practice.another_hint'),
  );
  const read = h('button', { type: 'button', class: 'big quiet read', hidden: !voiceFor(currentLang()), 'data-read': k }, t('practice.read_aloud'));
  const form = h('form', { class: 'answer-form', novalidate: true, 'data-step': k }, field, h('div', { class: 'actions' }, check, hintBtn, read));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    answer(st, form);
  });
  form.addEventListener('keydown', (ev) => {
    // Enter on a choice checks it, as it does in a text field
    if (ev.key === 'Enter' && ev.target.type === 'radio') {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('change', (ev) => {
    if (ev.target.type === 'radio') st.draft = ev.target.value;
  });
  hintBtn.addEventListener('click', () => askHint(st));
  read.addEventListener('click', () => readAloud(st, read));
  // (the feedback and the hints are spoken through #say, which stays in the page)
  const fb = h('div', { class: `feedback${st.feedback ? ' ' + st.feedback.kind : ''}`, id: ids.fb }, feedbackNodes(st));
  const hints = h(
    'ol',
    { class: 'hints', id: ids.hints, hidden: !st.hints.length && !st.hintNote },
    st.hints.map((x) =>
      h('li', { class: x.worked_example ? 'hint-item worked' : 'hint-item' }, h('strong', {}, x.worked_example ? t('practice.worked_example') : t('practice.hint_n', { n: x.index + 1 })), ' ', h('span', { lang: x.lang }, fragment(x.html))),
    ),
    st.hintNote ? h('li', { class: 'hint-note' }, t(st.hintNote)) : null,
  );
  const card = h('li', { class: `step${st.answered ? ' answered' : ''}`, id: `step-${k}` }, heading, prompt, form, fb, hints);
  if (main && st.scaffolds.length) {
    card.append(
      h(
        'section',
        { class: 'scaffolds', 'aria-labelledby': `sc-h-${k}` },
        h('h4', { id: `sc-h-${k}` }, t('practice.scaffolds')),
        h('p', {}, t('practice.scaffolds_text')),
        h('ol', { class: 'steps' }, st.scaffolds.map((s, i) => stepCard(s, { main: false, number: i + 1, total: st.scaffolds.length }))),
      ),
    );
  }
  return card;
}

function pct(p) {
  return new Intl.NumberFormat(currentLang(), { style: 'percent', maximumFractionDigits: 0 }).format(p);
}

function skillBox() {
  const s = problem.view.skill;
  if (!s?.name) return null;
  const p = problem.mastery ?? 0;
  const mastered = problem.mastered;
  return h(
    'section',
    { class: 'skill-box', 'aria-labelledby': 'skill-h' },
    h('h2', { id: 'skill-h', class: 'skill-h' }, h('span', { class: 'meta' }, t('practice.skill') + ' '), h('span', { lang: problem.lang }, s.name)),
    h(
      'div',
      { class: 'mastery-row' },
      h('meter', { id: 'mastery', min: '0', max: '1', low: '0.5', high: '0.95', optimum: '1', value: String(p), 'aria-labelledby': 'mastery-label' }),
      h('p', { id: 'mastery-label', class: 'mastery-text' }, mastered ? h('span', { class: 'star', 'aria-hidden': 'true' }, '★ ') : null, t(mastered ? 'practice.mastery_mastered' : 'practice.mastery', { percent: pct(p) })),
    ),
  );
}

function whyNote() {
  const r = problem.view.reason;
  if (!r?.text) return null;
  return h('p', { class: 'why' }, h('strong', {}, t('practice.why') + ' '), h('span', { lang: problem.lang }, r.text));
}

function attribution() {
  const v = problem.view;
  const src = v.attribution?.text;
  if (!src && !v.license) return null;
  return h(
    'p',
    { class: 'attribution' },
    src ? t('practice.source', { source: src }) : null,
    // the licence, unless the attribution already names it
    v.license && !src?.includes(v.license) ? `${src ? ' ' : ''}${t('practice.license', { license: v.license })}` : null,
  );
}

function doneBox() {
  if (!problem.done) return null;
  const parts = [];
  if (problem.celebrate)
    parts.push(
      h('p', { class: 'celebrate' }, h('span', { class: 'star', 'aria-hidden': 'true' }, '★ '), t('practice.mastered_skill', { skill: problem.celebrate }), h('span', { class: 'star', 'aria-hidden': 'true' }, ' ★')),
      h('p', {}, t('practice.mastered_text')),
    );
  parts.push(h('p', { class: 'done-text' }, t(problem.pending ? 'practice.done_pending' : 'practice.done')));
  const next = h('button', { type: 'button', class: 'primary big', id: 'next' }, t('practice.next'));
  next.addEventListener('click', nextProblem);
  parts.push(h('p', {}, next));
  return h('div', { class: 'done-box' }, parts);
}

function render() {
  // without the catalog (the server could not be reached) the page keeps the English it
  // was written in and the notice that says why; it draws nothing it cannot word
  if (!has('practice.heading')) return;
  document.title = t('title.practice');
  title.textContent = t('practice.heading');
  paintSync();
  if (failure) {
    status.textContent = '';
    content.replaceChildren(h('p', { class: 'panel' }, failure()), h('p', {}, h('a', { href: '/' }, t('common.back_home'))));
    return;
  }
  if (!problem) return;
  const focused = document.activeElement?.id;
  const v = problem.view;
  const total = v.steps || problem.steps.length;
  const main = problem.steps.map((st) => stepCard(st, { main: true, number: st.index + 1, total }));
  content.replaceChildren(
    skillBox(),
    h(
      'section',
      { class: 'problem', 'aria-labelledby': 'problem-h' },
      h('h2', { id: 'problem-h', lang: v.title ? problem.lang : null }, v.title || t('practice.problem')),
      whyNote(),
      v.stem_html ? h('div', { class: 'stem', lang: problem.lang }, fragment(v.stem_html)) : null,
      h('ol', { class: 'steps' }, main),
      doneBox(),
      attribution(),
    ),
    h('p', { class: 'to-progress' }, h('a', { href: '/progress' }, t('practice.see_progress'))),
  );
  if (focused && $(focused)) $(focused).focus();
  if (toSay) {
    announce(say, toSay());
    toSay = null;
  }
}

// ---- answering ----

function responseOf(st, form) {
  if (st.view.type === 'choice') return form.querySelector('input[type=radio]:checked')?.value || '';
  return form.querySelector('input.answer')?.value || '';
}

function field(st) {
  return $(`answer-${st.key}`) || document.querySelector(`#step-${st.key} input[type=radio]:checked`) || document.querySelector(`#step-${st.key} input[type=radio]`);
}

// The feedback of a step as a screen reader should hear it (its visible text).
const spokenFeedback = (st) => () => $(`fb-${st.key}`)?.textContent.replace(/\s+/g, ' ').trim() || '';

let sending = null;
async function sendQueue() {
  if (!user) return { sent: new Map(), left: 0 };
  const r = await device.flush(user, (body) => api('/api/v1/practice/attempts', { method: 'POST', body }));
  await noteQueue(r);
  return r;
}

async function answer(st, form) {
  if (st.busy || st.answered) return;
  const response = responseOf(st, form);
  if (!response.trim()) {
    st.feedback = { kind: 'empty' };
    toSay = spokenFeedback(st);
    render();
    field(st)?.focus();
    return;
  }
  st.busy = true;
  const body = {
    id: device.uuid(), item: problem.view.item, instance: problem.view.instance, step: st.view.id, response,
    timestamp: new Date().toISOString(), attempt: st.attempts + 1, hints: st.hintsUsed, duration_ms: Math.max(0, Date.now() - st.shownAt),
  };
  let reply = null;
  try {
    await device.enqueue(user ?? 'unknown', body);
    st.attempts++;
    st.shownAt = Date.now();
    keepActive();
    if (online() && user) reply = (await sendQueue()).sent.get(body.id) || null;
    else await noteQueue();
  } catch (e) {
    // the device could not keep it: send it directly
    if (online()) {
      try {
        reply = await api('/api/v1/practice/attempts', { method: 'POST', body });
        st.attempts++;
      } catch (e2) {
        st.busy = false;
        st.feedback = { kind: 'error', message: errorText(e2) };
        toSay = spokenFeedback(st);
        render();
        return;
      }
    } else {
      st.busy = false;
      st.feedback = { kind: 'error', message: t('practice.cannot_keep') };
      toSay = spokenFeedback(st);
      render();
      return;
    }
  }
  st.busy = false;
  if (reply && !reply.duplicate) fromServer(st, reply);
  else onDevice(st, response, reply);
  await keepActive();
  toSay = () => [spokenFeedback(st)(), problem.done && problem.celebrate ? t('practice.mastered_skill', { skill: problem.celebrate }) : ''].join(' ').trim();
  render();
  afterAnswer(st);
}

// The server's verdict on an answer.
function fromServer(st, r) {
  st.feedback = {
    kind: r.correct ? 'right' : 'wrong', reason: r.reason, html: r.feedback?.html, name: r.feedback?.misconception_name, lang: currentLang(),
  };
  if (r.mastery) {
    problem.mastery = r.mastery.p_mastery;
    problem.mastered = !!r.mastery.mastered;
    if (r.mastery.newly_mastered) problem.celebrate = problem.view.skill?.name || '';
  }
  const isMain = problem.steps.includes(st);
  if (!isMain) {
    if (r.correct) st.answered = true;
    return;
  }
  if (r.correct) {
    st.answered = true;
    if (problem.source === 'server' && r.next_step) addStep(r.next_step, r.step_index ?? st.index + 1);
    else if (problem.source === 'device') advanceOnDevice(st);
    else problem.done = true;
  } else if (r.scaffolds?.length && !st.scaffolds.length) {
    st.scaffolds = r.scaffolds.map((s, i) => newStep(s, i, `${st.key}-${i}`));
  }
}

// No word from the server (offline): check on the device where it can.
function onDevice(st, response, dup) {
  const isMain = problem.steps.includes(st);
  const local = dup ? { correct: !!dup.correct, reason: dup.correct ? 'equal' : 'different_value' } : checkStep(st.view, response);
  if (!local) {
    // an expression, or a problem whose answers the device does not have
    st.feedback = { kind: 'saved' };
    st.answered = true;
    if (isMain) {
      if (problem.source === 'device') advanceOnDevice(st, true);
      else {
        problem.done = true;
        problem.pending = true;
      }
    }
    return;
  }
  st.feedback = { kind: local.correct ? 'right' : 'wrong', reason: local.reason, local: !dup, lang: currentLang() };
  if (local.correct) {
    st.answered = true;
    if (isMain) advanceOnDevice(st);
  }
}

function advanceOnDevice(st, pendingCheck = false) {
  if (pendingCheck) problem.pending = true;
  const all = problem.view.all_steps || [];
  if (problem.source === 'device' && st.index + 1 < all.length) addStep(all[st.index + 1], st.index + 1);
  else problem.done = true;
}

function addStep(view, index) {
  problem.steps.push(newStep(view, index, `s${index}`));
}

// Focus: a wrong answer stays in its field (selected, to type again); a right one
// moves to the next step, or to "Next problem".
function afterAnswer(st) {
  if (problem.done) {
    $('next')?.focus();
    return;
  }
  const last = problem.steps.at(-1);
  if (st.answered && last !== st && problem.steps.includes(st)) {
    field(last)?.focus();
    return;
  }
  const f = field(st);
  if (f) {
    f.focus();
    if (f.select && !st.answered) f.select();
  }
}

// ---- hints ----

async function askHint(st) {
  st.hintNote = null;
  if (!online()) {
    st.hintNote = 'practice.hints_offline';
    toSay = () => t('practice.hints_offline');
    render();
    return;
  }
  try {
    const index = Math.min(st.hintsUsed, Math.max(0, (st.view.hints || 1) - 1));
    const r = await api('/api/v1/practice/hints', { method: 'POST', body: { instance: problem.view.instance, step: st.view.id, index } });
    st.hints.push({ ...r, lang: currentLang() });
    st.hintsUsed = Math.max(st.hintsUsed, r.index + 1);
    toSay = () => `${r.worked_example ? t('practice.worked_example') : t('practice.hint_n', { n: r.index + 1 })} ${plainText(r.html)}`;
  } catch (e) {
    st.hintNote = e.network ? 'practice.hints_offline' : null;
    if (!e.network) st.feedback = { kind: 'error', message: errorText(e) };
    toSay = () => (st.hintNote ? t(st.hintNote) : st.feedback.message);
  }
  keepActive();
  render();
  // the hint is read out by its live region; focus stays on the button, or, once the
  // worked example is shown, goes back to the answer
  const again = document.querySelector(`[data-hint="${st.key}"]`);
  if (again && !again.hidden) again.focus();
  else field(st)?.focus();
}

// ---- read aloud ----

function readAloud(st, button) {
  if (button.dataset.speaking) {
    stopSpeaking();
    return;
  }
  const lang = st.lang;
  let text = spokenText(st.view.prompt_text, lang);
  if (st.view.type === 'choice' && st.view.choices?.length)
    text += ` ${t('practice.choices_are')} ${st.view.choices.map((c) => spokenSymbols(plainText(c.html), lang)).join(', ')}.`;
  button.dataset.speaking = '1';
  button.textContent = t('practice.stop_reading');
  speak(text, lang).then(() => {
    delete button.dataset.speaking;
    button.textContent = t('practice.read_aloud');
  });
}

onVoices(() => {
  for (const b of document.querySelectorAll('[data-read]')) b.hidden = !voiceFor(currentLang());
});

// ---- the queue line ----

async function noteQueue(r) {
  if (!user) return;
  const left = (await device.pending(user).catch(() => [])).length;
  if (left) syncNote = () => t('practice.queue', { count: left });
  else if (syncNote && r?.sent?.size) syncNote = () => t('practice.queue_sent');
  else if (syncNote && !left) syncNote = null;
  paintSync();
}

function paintSync() {
  const text = !durable ? t('practice.not_kept') : syncNote ? syncNote() : '';
  if (syncLine.textContent !== text) syncLine.textContent = text;
}

// ---- loading problems ----

// The learner's current problem from the server; if this device showed it last (a
// reload), with what was on screen: the hints, the feedback, the smaller steps.
async function showServer(view) {
  problem = newProblem(view, 'server');
  const kept = user ? await device.getState(`${user}:active`).catch(() => null) : null;
  if (kept?.source === 'server' && kept.view?.instance === view.instance && !kept.done) {
    const same = kept.steps.find((st) => st.view.id === view.step.id && !st.answered);
    if (same) {
      const st = problem.steps[0];
      Object.assign(st, { hints: same.hints, hintNote: null, draft: same.draft, feedback: same.feedback, scaffolds: same.scaffolds });
      st.hintsUsed = Math.max(st.hintsUsed, same.hintsUsed);
      st.attempts = Math.max(st.attempts, same.attempts);
    }
  }
  failure = null;
  status.textContent = '';
  keepActive();
  render();
}

function showDevice(item) {
  problem = newProblem(item, 'device');
  problem.lang = item.lang || currentLang();
  for (const s of problem.steps) s.lang = problem.lang;
  failure = null;
  status.textContent = '';
  keepActive();
  render();
}

// Without a connection: the problem on screen when the page was closed, else the next
// one kept on the device.
async function fromDevice() {
  const active = user ? await device.getState(`${user}:active`).catch(() => null) : null;
  if (active && !active.done) {
    problem = active;
    for (const st of problem.steps) st.shownAt = Date.now(); // the time taken counts from now
    failure = null;
    status.textContent = '';
    render();
    return true;
  }
  const item = pool.shift();
  keepPool();
  if (!item) {
    problem = null;
    failure = () => t(user ? 'practice.no_more_offline' : 'practice.first_online');
    status.textContent = '';
    render();
    return false;
  }
  showDevice(item);
  return true;
}

async function load(first = false) {
  status.textContent = t('common.loading');
  if (online() && me) {
    try {
      const n = await api(`/api/v1/practice/next?ahead=${first ? POOL : 1}&lang=${currentLang()}`);
      if (first) pool = [];
      addToPool(n.ahead);
      delete n.ahead;
      await showServer(n);
      return;
    } catch (e) {
      if (!e.network) {
        status.textContent = '';
        failure = () => (e.status === 403 ? t('practice.not_student') : errorText(e));
        problem = null;
        render();
        return;
      }
    }
  }
  await fromDevice();
}

async function nextProblem() {
  stopSpeaking();
  problem = null;
  await keepActive();
  await load(false);
  const first = problem?.steps[0];
  if (first) field(first)?.focus();
  else $('main').focus();
}

// Back online: who is logged in (a page opened offline does not know yet), then the
// answers kept on the device go.
async function reconnect() {
  if (!me) {
    try {
      me = await refreshMe();
    } catch {
      return;
    }
    if (user && String(user) !== String(me.id)) pool = [];
    user = me.id;
    lastUser.set(me.id);
    if (!problem) await load(true);
  }
  await sendQueue().catch(() => {});
}

window.addEventListener('online', () => {
  reconnect();
});
window.addEventListener('offline', () => {
  if (failure) render();
});
setInterval(() => {
  if (online() && me && syncNote) sendQueue().catch(() => {});
}, 30000);

onLangChange(async () => {
  // the texts of a problem from the server come again in the new language (the same
  // problem: the server resumes it); hints and feedback already given keep theirs
  if (problem?.source === 'server' && online() && me) {
    try {
      const n = await api(`/api/v1/practice/next?lang=${currentLang()}`);
      if (n.instance === problem.view.instance) {
        problem.view = { ...problem.view, title: n.title, stem_html: n.stem_html, reason: n.reason, skill: { ...problem.view.skill, name: n.skill?.name } };
        problem.lang = currentLang();
        const fresh = problem.steps.find((s) => s.view.id === n.step?.id);
        if (fresh) {
          fresh.view = n.step;
          fresh.lang = currentLang();
        }
      }
    } catch {
      // the texts stay as they are
    }
  }
  render();
});

// ---- start ----

durable = await device.durable();
if (me) {
  user = me.id;
  lastUser.set(me.id);
}
if (user) pool = (await device.getState(`${user}:pool`).catch(() => null)) || [];
device.registerServiceWorker();
if (me && online()) await sendQueue().catch(() => {});
else await noteQueue();
await load(true);
