// The student's pages (issue 11): practice, progress and the student's home page, in
// English and Spanish at 1280 and 360 px with zero axe-core violations and no CSP
// violation; the practice loop by keyboard alone; reading aloud; practice offline
// (answers checked on the device, kept in a queue that survives closing the page, sent
// once when the connection returns); and what the pages weigh on the wire.
//
// The answers a test gives right are read as an operator could: `trellis content show
// ITEM --seed S` prints the instance the server made (its token is "item.seed.mac").
// Each concern has its own demo student (classmates of the demo student are given a
// password with `trellis admin set-password`), so their learning records do not mix.
// WCAG 2.2 criteria are cited at each check (https://www.w3.org/TR/WCAG22/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { request, trellis } from '../e2e/lib/trellis.mjs';
import { Client } from '../e2e/lib/auth.mjs';
import {
  hasChromium, NO_CHROMIUM, launch, demoServer, identityMissing, openPage, checkPage, settle,
  loginWithPassword, CATALOG, writeArtifact, cspViolations, screenshotPath,
} from './lib/browser.mjs';
import { checkAnswer } from '../../web/js/answer.js';
import { spokenText, spokenSymbols } from '../../web/js/speech.js';

let srv;
let browser;
let why = null;
let reader;
const students = {}; // purpose -> {username, password, role, id, sourced_id}
const V = { 'X-Experience-API-Version': '2.0.0' };
const PASSWORD = 'Practice-Test-Pw-2041';

before(async () => {
  if (!hasChromium) {
    why = NO_CHROMIUM;
    return;
  }
  srv = await demoServer();
  why = srv.noDemo || (await identityMissing(srv));
  if (why) return;
  reader = JSON.parse(trellis(['admin', 'add-client', '--db', srv.db, '--name', 'reader', '--scope', 'statements/read']).stdout);
  // the demo student, and classmates with passwords of their own
  const teacherLogin = srv.logins.find((l) => l.role === 'teacher' && !l.totp_secret);
  const teacher = new Client(srv.url);
  assert.equal((await teacher.login(teacherLogin)).status, 200);
  const home = (await teacher.req('/api/v1/home')).body;
  const roster = (await teacher.req(`/api/v1/classes/${home.classes[0].id}/students`)).body.students;
  const demo = srv.logins.find((l) => l.role === 'student');
  const others = roster.filter((s) => s.username !== demo.username);
  students.a11y = { ...demo };
  for (const [i, purpose] of ['keys', 'offline', 'weight', 'voice', 'master', 'lang'].entries()) {
    const s = others[i];
    const sid = (await teacher.req(`/api/v1/users/${s.id}`)).body.sourced_id;
    const r = trellis(['admin', 'set-password', '--db', srv.db, '--sourced-id', sid, '--password-stdin'], { input: PASSWORD + '\n' });
    assert.equal(r.status, 0, r.stderr);
    students[purpose] = { role: 'student', username: s.username, password: PASSWORD, id: s.id, sourced_id: sid };
  }
  students.a11y.sourced_id = null;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

// ---- helpers ----

// The instance behind a token, with its accepted answers (the operator's view).
function instanceOf(token) {
  const [item, seed] = token.split('.');
  const r = trellis(['content', 'show', '--db', srv.db, '--seed', seed, item]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}
const allSteps = (inst) => inst.steps.flatMap((s) => [s, ...(s.scaffolds || [])]);
const stepOf = (inst, id) => allSteps(inst).find((s) => s.id === id);
const rightAnswer = (inst, id) => stepOf(inst, id).answer.accepted[0];
// A wrong answer: a known misconception when the step has one, else a value off by one.
function wrongAnswer(step) {
  if (step.feedback?.length) return step.feedback[0].answer;
  const a = step.answer.accepted[0];
  if (step.answer.type === 'choice') return step.answer.choices.find((c) => c.id !== a).id;
  return /^-?\d+$/.test(a) ? String(Number(a) + 1) : 'zzz';
}

const sessions = new Map();
async function asStudent(purpose, { lang = 'en', width = 1280, base = srv.url } = {}) {
  const key = `${purpose} ${base}`;
  if (!sessions.has(key)) {
    const first = await openPage(browser, base, { lang });
    await loginWithPassword(first.page, base, students[purpose]);
    sessions.set(key, await first.context.storageState());
    await first.context.close();
  }
  return openPage(browser, base, { lang, width, height: width < 400 ? 800 : 900, storageState: sessions.get(key) });
}

async function getJson(page, path) {
  const r = await page.request.get(`${srv.url}${path}`);
  assert.equal(r.status(), 200, `GET ${path}: ${await r.text()}`);
  return r.json();
}

async function statementsOf(sourcedId) {
  const agent = JSON.stringify({ account: { homePage: srv.url, name: sourcedId } });
  const r = await request(srv.url, `/xapi/statements?agent=${encodeURIComponent(agent)}&verb=${encodeURIComponent('http://adlnet.gov/expapi/verbs/answered')}&limit=500`, {
    headers: { ...V, authorization: 'Basic ' + Buffer.from(`${reader.key}:${reader.secret}`).toString('base64') },
  });
  assert.equal(r.status, 200, r.text);
  return r.body.statements;
}

// The page's problem is on screen, with no answer pending.
async function problemShown(page) {
  await page.waitForSelector('#content .step');
  await settle(page);
}

// Where the page's answer field for the step being answered is.
const activeStep = (page) => page.locator('#content .step:not(.answered)').last();

async function fillAnswer(page, step, value) {
  const card = activeStep(page);
  if (step.answer.type === 'choice') await card.locator(`input[type=radio][value="${value}"]`).check();
  else await card.locator('input.answer').fill(value);
}

async function sayText(page) {
  await page.waitForFunction(() => document.getElementById('say').textContent.trim() !== '');
  const s = await page.textContent('#say');
  return s;
}

async function clearSay(page) {
  await page.evaluate(() => {
    document.getElementById('say').textContent = '';
  });
}

// What the device keeps (IndexedDB "trellis-practice"), read in the page.
function deviceState(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const r = indexedDB.open('trellis-practice');
        r.onerror = () => reject(r.error);
        r.onsuccess = () => {
          const db = r.result;
          const t = db.transaction(['queue', 'state', 'rejected']);
          const out = { queue: [], state: {}, rejected: [] };
          t.objectStore('queue').getAll().onsuccess = (e) => (out.queue = e.target.result);
          t.objectStore('rejected').getAll().onsuccess = (e) => (out.rejected = e.target.result);
          const st = t.objectStore('state');
          const keys = st.getAllKeys();
          const vals = st.getAll();
          t.oncomplete = () => {
            keys.result.forEach((k, i) => (out.state[k] = vals.result[i]));
            db.close();
            resolve(out);
          };
        };
      }),
  );
}

// A TCP relay in front of the server: counts every byte each way (headers, compressed
// bodies, service worker requests: what a phone's data plan pays for), and can cut the
// connection as a dead network does.
async function wireMeter(target) {
  const t = new URL(target);
  const sockets = new Set();
  const m = { up: 0, down: 0, cut: false };
  const server = net.createServer((client) => {
    if (m.cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(t.port), t.hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (d) => {
      m.up += d.length;
      upstream.write(d);
    });
    upstream.on('data', (d) => {
      m.down += d.length;
      client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise((res) => server.listen(0, '127.0.0.1', res));
  m.url = `http://127.0.0.1:${server.address().port}`;
  m.reset = () => {
    m.up = 0;
    m.down = 0;
  };
  m.total = () => m.up + m.down;
  m.setCut = (v) => {
    m.cut = v;
    if (v) for (const s of sockets) s.destroy();
  };
  m.close = () =>
    new Promise((res) => {
      m.setCut(true);
      server.close(res);
    });
  return m;
}

// ---- the device's checker and the words read aloud (no browser) ----

test('the device checks number, fraction, choice and text answers exactly as the server does (web/js/answer.js against trellis check-answer)', () => {
  const cases = [
    ['number', '700', ['700', ' 700 ', '700.0', '7e2', '70', '0700', '700,0', '7 00', '1,000', '700.', '\u2212700', '-700', '+700', '1400/2', '699 2/2', '7OO', 'abc', '1e99999', 'NaN', '700/0', '1/3']],
    ['number', '-0.75', ['-0,75', '\u22120.75', '-3/4', '- 3/4', '-.75', '-0.750', '0.75', '-0.7500000001']],
    ['number', '1,5', ['1.5', '1 1/2', '3/2']],
    ['number', '12345678901234567890', ['12345678901234567890', '12345678901234567891', '1.2345678901234567890e19']],
    ['fraction', '1/2', ['1/2', '2/4', '0.5', '0,5', ' 1 / 2 ', '3/6', '1 / 0', '1/2/3', '\u00bd', '-1/2', '0 1/2']],
    ['fraction', '3/2', ['1 1/2', '3/2', '6/4', '1 2/4', '1.5', '-1 1/2', '2 -1/2', '1  1/2']],
    ['fraction', '4/2', ['2', '4/2', '2/1', '8/4', '2.0']],
    ['fraction', '0', ['0', '0/5', '0.0', '-0']],
    ['fraction', '9223372036854775807/2', ['9223372036854775807/2', '9223372036854775808/2', '4611686018427387903 1/2']],
    ['choice', 'a', ['a', 'A', ' a ', 'a,a', 'a, b', 'b', ',', 'a;', '\u00e1']],
    ['choice', 'a, c', ['c,a', 'C; A', 'a', 'a,b,c', 'b']],
    ['text', 'Composite', ['composite', 'COMPOSITE', '  composite ', 'com posite', 'compuesto']],
    ['text', 'a\u00f1o', ['A\u00d1O', 'an\u0303o', 'AN\u0303O', 'ano']],
    ['text', '\u0178', ['\u00ff', 'y\u0308', 'Y\u0308']],
    ['text', '\u0141\u00d3D\u0179', ['\u0142\u00f3d\u017a', '\u0142o\u0301d\u017a']],
    ['text', 'new  york', ['New York', 'new\u00a0york', 'new\u2003york', 'newyork']],
  ];
  // and a seeded stream of short strings of the characters numbers are made of
  const alphabet = ['0', '1', '2', '3', '5', '7', '9', ' ', '/', '.', ',', '-', 'e', '+', '\u2212', '\u00a0'];
  let seed = 20261207;
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const random = [];
  for (let k = 0; k < 200; k++) {
    let g = '';
    for (let i = 1 + rnd(8); i > 0; i--) g += alphabet[rnd(alphabet.length)];
    random.push(g);
  }
  cases.push(['number', '2.5', random.slice(0, 100)], ['fraction', '-7/3', random.slice(100)]);
  const differ = [];
  let n = 0;
  for (const [type, expected, givens] of cases) {
    const specs = type === 'fraction' ? [{ simplified: false }, { simplified: true }] : type === 'number' ? [{}, { tolerance: '0.01' }] : [{}];
    for (const spec of specs)
      for (const given of givens) {
        const args = ['check-answer', '--type', type, '--expected', expected, '--given', given];
        if (spec.simplified) args.push('--simplified');
        if (spec.tolerance) args.push('--tolerance', spec.tolerance);
        const server = JSON.parse(trellis(args).stdout);
        const device = checkAnswer({ type, simplified: spec.simplified, tolerance: spec.tolerance }, expected, given);
        n++;
        if (!device || device.correct !== server.correct || device.reason !== server.reason)
          differ.push(`${type} ${JSON.stringify(expected)} ${JSON.stringify(given)} ${JSON.stringify(spec)}: server ${JSON.stringify(server)}, device ${JSON.stringify(device)}`);
      }
  }
  assert.ok(n > 500, `${n} cases`);
  assert.deepEqual(differ, [], 'the device and the server disagree');
  // expressions are the server's alone
  assert.equal(checkAnswer({ type: 'expression' }, '2x', 'x+x'), null);
});

test('read aloud: the math of a prompt is said in words, in English and in Spanish', () => {
  const cases = [
    ['What is $\\frac{6}{8} - \\frac{3}{8}$?', 'What is 6 over 8 minus 3 over 8?', '¿Cuánto es $\\frac{6}{8} - \\frac{3}{8}$?', '¿Cuánto es 6 sobre 8 menos 3 sobre 8?'],
    ['Which sign makes this true: $-11 \\; \\square \\; -10$?', 'Which sign makes this true: negative 11 blank negative 10?', null, null],
    ['What is $2\\frac{1}{3} + x^2$?', 'What is 2 and 1 over 3 plus x squared?', '$2\\frac{1}{3} + x^2$', '2 y 1 sobre 3 más x al cuadrado'],
    ['Solve $3(x - 4) = 2x + 1$.', 'Solve 3 times open bracket x minus 4 close bracket equals 2 x plus 1.', '$3(x - 4) = 2x + 1$', '3 por abre paréntesis x menos 4 cierra paréntesis es igual a 2 x más 1'],
    ['$\\sqrt{49}$, $\\sqrt[3]{27}$ and $5^4$', 'the square root of 49, the cube root of 27 and 5 to the power of 4', '$\\sqrt{49}$', 'la raíz cuadrada de 49'],
    ['Find $|-7|$ and the line through $(7, 4)$ and $(0, 0)$.', 'Find the absolute value of negative 7 and the line through 7, 4 and 0, 0.', null, null],
    ['An angle of $40^\\circ$ costs \\$2.45 or $\\$3$.', 'An angle of 40 degrees costs 2.45 dollars or 3 dollars.', '$40^\\circ$', '40 grados'],
    ['$a \\le b$, $n \\ge -2$, $x \\ne 0$, $4 \\times 3 \\div 2 \\cdot 1$', 'a is less than or equal to b, n is greater than or equal to negative 2, x is not equal to 0, 4 times 3 divided by 2 times 1', '$a \\le b$', 'a es menor o igual que b'],
    ['$-\\frac{4}{7}$ is $50\\%$ of $\\pi r^2$', 'negative 4 over 7 is 50 percent of pi r squared', '$50\\%$ de $\\pi r^2$', '50 por ciento de pi r al cuadrado'],
  ];
  for (const [en, saidEn, es, saidEs] of cases) {
    assert.equal(spokenText(en, 'en'), saidEn);
    if (es) assert.equal(spokenText(es, 'es'), saidEs);
  }
  // a choice's text (MathML's text content): its symbols in words
  assert.equal(spokenSymbols('<', 'en'), 'is less than');
  assert.equal(spokenSymbols('\u221211', 'es'), 'menos 11');
  assert.equal(spokenSymbols('$2.45', 'en'), '2.45 dollars');
  assert.equal(spokenSymbols('composite', 'en'), 'composite');
});

// ---- the pages ----

for (const lang of ['en', 'es']) {
  for (const width of [1280, 360]) {
    test(`practice page in ${lang} at ${width} px: axe, CSP, targets, reflow; feedback, hints and smaller steps too`, async (t) => {
      if (why) return t.skip(why);
      const { context, page } = await asStudent('a11y', { lang, width });
      // 3.1.1: a Spanish reader never sees the English of the HTML: the first frame drawn
      // with the page visible already has its Spanish texts
      await page.addInitScript(() => {
        window.__firstPaint = null;
        const look = () => {
          const b = document.body;
          if (b && getComputedStyle(b).visibility !== 'hidden') {
            window.__firstPaint = `${document.documentElement.lang}|${document.querySelector('h1')?.textContent}`;
            return;
          }
          requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      });
      await page.goto(`${srv.url}/practice`);
      await problemShown(page);
      assert.equal(await page.evaluate(() => window.__firstPaint), `${lang}|${CATALOG[lang]['practice.heading']}`, 'the first frame painted');
      await checkPage(page, 'practice', { lang, width });
      const next = await getJson(page, `/api/v1/practice/next?lang=${lang}`);
      assert.equal(await page.textContent('h1'), CATALOG[lang]['practice.heading']);
      assert.equal(await page.title(), CATALOG[lang]['title.practice']);
      // the prompt as MathML (read as math by screen readers), the reason, the skill, the source
      assert.ok(await page.$('#content .prompt math'), 'the prompt carries MathML');
      const main = await page.textContent('main');
      assert.ok(main.includes(next.reason.text), 'why this problem');
      assert.ok(main.includes(next.skill.name), 'the skill');
      assert.ok(main.includes(next.attribution.text), 'the attribution');
      const meter = page.locator('#mastery');
      assert.equal(Number(await meter.getAttribute('value')), next.skill.mastery);
      assert.ok(await page.textContent(`#${await meter.getAttribute('aria-labelledby')}`), 'the meter has a name');
      // the answer field fits the type; labelled, and described by the prompt (1.3.1, 3.3.2)
      const step = next.step;
      if (step.type !== 'choice') {
        const input = page.locator('#content input.answer');
        assert.equal(await input.getAttribute('inputmode'), step.type === 'number' ? 'decimal' : null);
        assert.match(await input.getAttribute('aria-describedby'), /prompt-/);
        assert.ok(await page.$(`label[for="${await input.getAttribute('id')}"]`));
      }
      // a wrong answer (twice: the smaller steps come after two) and a hint
      const inst = instanceOf(next.instance);
      const wrong = wrongAnswer(stepOf(inst, step.id));
      for (let i = 0; i < 2 && !(await page.$('#content .scaffolds')); i++) {
        await clearSay(page);
        await fillAnswer(page, stepOf(inst, step.id), wrong);
        await page.locator('#content .step button[type=submit]').first().click();
        await sayText(page);
      }
      assert.match(await page.textContent('#content .feedback'), new RegExp(CATALOG[lang]['practice.wrong'].replace(/[.?]/g, '\\$&')));
      // a hint (once every hint was seen, the worked example can be shown again)
      await clearSay(page);
      await page.locator('#content [data-hint]').first().click();
      assert.match(await sayText(page), new RegExp(`^(${CATALOG[lang]['practice.hint_n'].replace('{n}', '\\d')}|${CATALOG[lang]['practice.worked_example']})`));
      const scaffolds = stepOf(inst, step.id).scaffolds || [];
      if (scaffolds.length) {
        assert.ok(await page.$('#content .scaffolds'), 'smaller steps after two wrong answers');
        // answered in place: a smaller step posts its own answer
        const sc = scaffolds[0];
        const card = page.locator('#content .scaffolds .step').first();
        await clearSay(page);
        if (sc.answer.type === 'choice') await card.locator(`input[type=radio][value="${sc.answer.accepted[0]}"]`).check();
        else await card.locator('input.answer').fill(sc.answer.accepted[0]);
        await card.locator('button[type=submit]').click();
        assert.match(await sayText(page), new RegExp(`^${CATALOG[lang]['practice.right'].replace(/[!¡]/g, '.')}`));
        assert.match(await card.locator('.feedback').textContent(), new RegExp(CATALOG[lang]['practice.right'].replace(/[!¡]/g, '.')));
      }
      await checkPage(page, 'practice-feedback', { lang, width });
      await context.close();
    });

    test(`progress page in ${lang} at ${width} px: each skill's status in words and an icon, a meter, what is next`, async (t) => {
      if (why) return t.skip(why);
      const { context, page } = await asStudent('a11y', { lang, width });
      await page.goto(`${srv.url}/progress`);
      await page.waitForSelector('#content details');
      await checkPage(page, 'progress', { lang, width });
      const data = await getJson(page, `/api/v1/practice/progress?lang=${lang}`);
      assert.equal(await page.textContent('h1'), CATALOG[lang]['progress.heading']);
      // grouped by grade, in order
      const grades = [...new Set(data.skills.map((s) => s.grade))].sort((a, b) => a - b);
      assert.equal(await page.locator('details.grade').count(), grades.length);
      // every skill: its name, its status as a word (1.4.1: not colour alone), the icon hidden from screen readers
      const rows = await page.$$eval('li.skill', (ls) =>
        ls.map((l) => ({ name: l.querySelector('.skill-name').firstChild.textContent, status: l.querySelector('.status-word').textContent, icon: l.querySelector('.icon').getAttribute('aria-hidden'), meter: l.querySelector('meter')?.getAttribute('aria-label') || null, text: l.textContent })),
      );
      assert.equal(rows.length, data.skills.length);
      for (const s of data.skills) {
        const row = rows.find((r) => r.name === s.name);
        assert.ok(row, `${s.name} shown`);
        assert.equal(row.status, CATALOG[lang][`progress.status.${s.status}`], `${s.name}: status word`);
        assert.equal(row.icon, 'true');
        if (s.answers > 0) {
          assert.ok(row.meter?.includes(s.name), `${s.name}: a meter named for the skill`);
          assert.ok(row.text.includes(new Intl.NumberFormat(lang, { style: 'percent' }).format(s.p_mastery)), `${s.name}: the percentage as text`);
        }
      }
      // what is next, and why; the way to practice
      assert.ok(await page.$('.next-up a[href="/practice"]'));
      if (data.working_on?.skill) {
        const nextName = data.skills.find((s) => s.iri === data.working_on.skill).name;
        assert.ok((await page.textContent('.next-up')).includes(nextName));
        assert.ok((await page.textContent('.next-up')).includes(data.working_on.text));
        assert.ok((await page.textContent('li.skill.next')).includes(CATALOG[lang]['progress.up_next']));
      } else {
        assert.ok((await page.textContent('.next-up')).includes(CATALOG[lang]['progress.next_none']));
      }
      await context.close();
    });

    test(`student home page in ${lang} at ${width} px: practice is the first thing to do`, async (t) => {
      if (why) return t.skip(why);
      const { context, page } = await asStudent('a11y', { lang, width });
      await page.goto(`${srv.url}/`);
      await settle(page);
      await checkPage(page, 'home-student', { lang, width });
      assert.equal(await page.textContent('main h2'), CATALOG[lang]['home.practice_heading'], 'the first section');
      assert.equal(await page.getAttribute('main a', 'href'), '/practice', 'the first link in the page content');
      assert.equal(await page.textContent('main a'), CATALOG[lang]['home.practice_start']);
      assert.ok(await page.$('main a[href="/progress"]'));
      // the link is first in the tab order after the skip link's target
      await page.focus('#main');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), '/practice');
      await context.close();
    });
  }
}

test('keyboard only: a wrong answer and its feedback, a hint, the right answer, the next problem', async (t) => {
  if (why) return t.skip(why);
  const { context, page } = await asStudent('keys', { lang: 'en' });
  await page.goto(`${srv.url}/practice`);
  await problemShown(page);
  const next = await getJson(page, '/api/v1/practice/next');
  const inst = instanceOf(next.instance);
  const focused = () => page.evaluate(() => ({ id: document.activeElement.id, tag: document.activeElement.tagName, type: document.activeElement.type, text: document.activeElement.textContent.trim(), value: document.activeElement.value, hint: document.activeElement.dataset?.hint || null, sel: [document.activeElement.selectionStart, document.activeElement.selectionEnd] }));
  // 2.4.1: the skip link, then straight to the answer
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  let f = await focused();
  assert.ok(f.id.startsWith('answer-'), `after the skip link, the answer field (got ${JSON.stringify(f)})`);
  const typeAnswer = async (step, value) => {
    if (step.answer.type === 'choice') {
      for (let i = 0; i < 12 && (await focused()).value !== value; i++) await page.keyboard.press('ArrowDown');
    } else {
      await page.keyboard.press('Control+A');
      await page.keyboard.type(value);
    }
    await page.keyboard.press('Enter');
  };
  // a wrong answer: feedback as text with a sign, spoken, the misconception named; focus stays
  const step = stepOf(inst, next.step.id);
  await typeAnswer(step, wrongAnswer(step));
  const said = await sayText(page);
  assert.match(said, /^Not quite\./);
  const fb = page.locator('#content .feedback').first();
  assert.match(await fb.textContent(), /Not quite\./);
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.querySelector('#content .fb-word .sign'), '::before').content), 'none', 'a sign, not colour alone (1.4.1)');
  if (step.feedback?.length) assert.match(await fb.textContent(), /It looks like you /, 'the misconception is named');
  f = await focused();
  assert.ok(f.id.startsWith('answer-') || f.type === 'radio', 'focus stays on the answer');
  if (step.answer.type !== 'choice') assert.deepEqual(f.sel, [0, f.value.length], 'and the answer is selected, to type again');
  // a hint: Tab to it, Enter; it is spoken and shown
  await clearSay(page);
  for (let i = 0; i < 4 && !(await focused()).hint; i++) await page.keyboard.press('Tab');
  assert.ok((await focused()).hint, 'the hint button is reached by Tab');
  await page.keyboard.press('Enter');
  assert.match(await sayText(page), /^(Hint 1:|Worked example:)/);
  assert.equal(await page.locator('#content .hint-item').count(), 1);
  // back to the answer (Shift+Tab), the right answer, Enter; each further step the same
  for (let i = 0; i < 4 && !(await focused()).id.startsWith('answer-') && (await focused()).type !== 'radio'; i++) await page.keyboard.press('Shift+Tab');
  for (let k = next.step_index; k < inst.steps.length; k++) {
    await clearSay(page);
    await typeAnswer(inst.steps[k], rightAnswer(inst, inst.steps[k].id));
    assert.match(await sayText(page), /^Right!/);
  }
  // done: focus on "Next problem"; Enter brings the next one, focus in its answer
  f = await focused();
  assert.equal(f.id, 'next');
  assert.equal(f.text, CATALOG.en['practice.next']);
  assert.ok(await page.isVisible('.done-box'));
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('.done-box'));
  await problemShown(page);
  const after = await getJson(page, '/api/v1/practice/next');
  assert.notEqual(after.instance, next.instance, 'a new problem');
  f = await focused();
  assert.ok(f.id.startsWith('answer-') || f.type === 'radio', `focus in the new problem's answer (got ${JSON.stringify(f)})`);
  assert.deepEqual(await cspViolations(page), []);
  await page.screenshot({ path: screenshotPath('practice-keyboard-next-en'), fullPage: true });
  await context.close();
});

test('the language switch re-renders the practice page in place, the problem in the new language too', async (t) => {
  if (why) return t.skip(why);
  const { context, page } = await asStudent('lang', { lang: 'en' });
  await page.goto(`${srv.url}/practice`);
  await problemShown(page);
  const es = await getJson(page, '/api/v1/practice/next?lang=es');
  await page.fill('#content input.answer', '12');
  const sw = page.locator('[data-switch-lang]');
  await sw.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.documentElement.lang === 'es');
  await page.waitForFunction((p) => document.querySelector('#content .prompt')?.textContent.startsWith(p), es.step.prompt_text.slice(0, 6));
  assert.equal(await page.textContent('h1'), CATALOG.es['practice.heading']);
  assert.equal(await page.getAttribute('#content .prompt', 'lang'), 'es');
  assert.ok((await page.textContent('.why')).includes(es.reason.text), 'the reason in Spanish');
  assert.equal(await page.inputValue('#content input.answer'), '12', 'what was typed stays');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.switchLang), 'en', 'focus stays on the switch');
  assert.equal(await page.textContent('#status'), '', 'no "Loading…" comes back (app.js translate())');
  await checkPage(page, 'practice-switched', { lang: 'es', width: 1280 });
  await context.close();
});

test('mastering a skill: the page celebrates it, in words', async (t) => {
  if (why) return t.skip(why);
  const { context, page } = await asStudent('master', { lang: 'en' });
  await page.goto(`${srv.url}/practice`);
  await problemShown(page);
  let celebrated = null;
  for (let k = 0; k < 30 && !celebrated; k++) {
    const cur = await getJson(page, '/api/v1/practice/next');
    const inst = instanceOf(cur.instance);
    for (let i = cur.step_index; i < inst.steps.length; i++) {
      await clearSay(page);
      await fillAnswer(page, inst.steps[i], rightAnswer(inst, inst.steps[i].id));
      await activeStep(page).locator('button[type=submit]').click();
      const said = await sayText(page);
      if (await page.$('.celebrate')) celebrated = { said, skill: cur.skill.name };
    }
    if (!celebrated) {
      await page.click('#next');
      await page.waitForFunction(() => !document.querySelector('.done-box'));
      await problemShown(page);
    }
  }
  assert.ok(celebrated, 'the skill was mastered');
  const text = CATALOG.en['practice.mastered_skill'].replace('{skill}', celebrated.skill);
  assert.ok((await page.textContent('.celebrate')).includes(text));
  assert.ok(celebrated.said.includes(text), 'and a screen reader hears it');
  assert.match(await page.textContent('#mastery-label'), /^★ Mastered/);
  await checkPage(page, 'practice-mastered', { lang: 'en', width: 1280 });
  await context.close();
});

test('read aloud: shown only where the device has a voice; it says the prompt in words', async (t) => {
  if (why) return t.skip(why);
  // headless Chromium: as the device has it
  let { context, page } = await asStudent('voice', { lang: 'es' });
  await page.goto(`${srv.url}/practice`);
  await problemShown(page);
  const voices = await page.evaluate(() => speechSynthesis.getVoices().length);
  if (voices === 0) assert.ok(await page.isHidden('#content [data-read]'), 'no voice: no button');
  else assert.ok(await page.isVisible('#content [data-read]'), 'a voice: the button');
  await context.close();
  // a device with a Spanish voice (the browser's speech synthesis stood in for)
  ({ context, page } = await asStudent('voice', { lang: 'es' }));
  await page.addInitScript(() => {
    window.__spoken = [];
    const voice = { name: 'Test', lang: 'es-ES', localService: true, default: true, voiceURI: 'test' };
    const synth = new EventTarget();
    Object.assign(synth, {
      speaking: false,
      getVoices: () => [voice],
      cancel() {},
      speak(u) {
        window.__spoken.push({ text: u.text, lang: u.lang });
        setTimeout(() => u.onend?.(), 10);
      },
    });
    Object.defineProperty(window, 'speechSynthesis', { value: synth });
    window.SpeechSynthesisUtterance = class {
      constructor(text) {
        this.text = text;
      }
    };
  });
  await page.goto(`${srv.url}/practice`);
  await problemShown(page);
  const next = await getJson(page, '/api/v1/practice/next?lang=es');
  const button = page.locator('#content [data-read]').first();
  assert.ok(await button.isVisible());
  assert.equal(await button.textContent(), CATALOG.es['practice.read_aloud']);
  const box = await button.boundingBox();
  assert.ok(box.height >= 44, `a large target: ${box.height} px high`);
  await button.click();
  await page.waitForFunction(() => window.__spoken.length > 0);
  const spoken = await page.evaluate(() => window.__spoken[0]);
  let expected = spokenText(next.step.prompt_text, 'es');
  if (next.step.type === 'choice') expected += ` ${CATALOG.es['practice.choices_are']}`;
  assert.ok(spoken.text.startsWith(expected), `said: ${spoken.text}`);
  assert.equal(spoken.lang, 'es-ES');
  assert.doesNotMatch(spoken.text, /\$|\\[a-z]/, 'no TeX is read out');
  assert.deepEqual(await cspViolations(page), []);
  await context.close();
});

test('offline: answers are checked on the device, kept in a queue that survives closing the page, and recorded once when the connection returns', async (t) => {
  if (why) return t.skip(why);
  const wire = await wireMeter(srv.url);
  try {
    const { context, page } = await asStudent('offline', { lang: 'en', base: wire.url });
    await page.goto(`${wire.url}/practice`);
    await problemShown(page);
    // the app shell is kept by the service worker, and problems for offline use by the page
    await page.waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 15000 });
    const cached = await page.evaluate(async () => {
      const out = [];
      for (const p of ['/practice', '/css/app.css', '/js/app.js', '/js/practice.js', '/js/answer.js', '/js/offline.js', '/i18n/en.json', '/i18n/es.json', '/i18n/practice-en.json', '/i18n/practice-es.json'])
        if (await caches.match(p)) out.push(p);
      return out;
    });
    assert.equal(cached.length, 10, `kept for offline use: ${cached.join(' ')}`);
    const current = await getJson(page, '/api/v1/practice/next');
    const me = await getJson(page, '/api/v1/me');
    let dev = await deviceState(page);
    const pool = dev.state[`${me.id}:pool`];
    assert.equal(pool.length, 3, 'three problems kept for offline use');
    for (const p of pool)
      for (const s of p.all_steps) if (['number', 'fraction', 'choice', 'text'].includes(s.type)) assert.ok(s.accepted.length, 'with what the device checks with');

    // the network goes (the relay cuts every connection, the browser knows it is offline)
    wire.setCut(true);
    await context.setOffline(true);
    await page.waitForFunction((m) => document.getElementById('net').textContent === m, CATALOG.en['practice.offline']);
    const given = []; // what the learner answered: {response, correct (as the device or server should judge)}
    const answerStep = async (p, instStep, value, correct) => {
      await clearSay(page);
      await fillAnswer(page, instStep, value);
      await activeStep(page).locator('button[type=submit]').click();
      given.push({ instance: p, step: instStep.id, response: value, correct });
      return sayText(page);
    };
    // 1. the problem that was on screen: its answers are the server's, so it waits
    const instC = instanceOf(current.instance);
    for (let k = current.step_index; k < instC.steps.length; k++) {
      const s = instC.steps[k];
      const said = await answerStep(current.instance, s, rightAnswer(instC, s.id), true);
      assert.match(said, new RegExp(CATALOG.en['practice.saved'].replace('.', '\\.')));
      if (await page.$('#next')) break;
    }
    assert.match(await page.textContent('.done-box'), /checked when you are back online/);
    // 2. the problems kept on the device: checked here (a wrong answer first)
    const doDevice = async (p, { wrongFirst }) => {
      const inst = instanceOf(p.instance);
      for (const s of inst.steps) {
        if (wrongFirst) {
          const said = await answerStep(p.instance, s, wrongAnswer(s), false);
          assert.match(said, /^Not quite\..*\(checked on this device\)/);
          wrongFirst = false;
        }
        const said = await answerStep(p.instance, s, rightAnswer(inst, s.id), true);
        assert.match(said, /^Right!.*\(checked on this device\)/);
      }
    };
    await page.click('#next');
    await problemShown(page);
    await doDevice(pool[0], { wrongFirst: true });
    await page.screenshot({ path: screenshotPath('practice-offline-en-1280'), fullPage: true });
    await page.click('#next');
    await problemShown(page);
    await doDevice(pool[1], { wrongFirst: false });
    await page.click('#next');
    await problemShown(page);
    dev = await deviceState(page);
    assert.equal(dev.queue.length, given.length, 'every answer is in the queue');
    assert.match(await page.textContent('#sync'), new RegExp(`^${given.length} answers are waiting to be sent`));

    // 3. the page is closed and opened again, still offline: the shell comes from the
    //    service worker, the queue and the problem on screen from the device
    await page.close();
    const again = await context.newPage();
    again.problems = [];
    again.on('pageerror', (e) => again.problems.push(e.message));
    await again.goto(`${wire.url}/practice`);
    await again.waitForSelector('#content .step');
    assert.equal(await again.textContent('h1'), CATALOG.en['practice.heading']);
    assert.match(await again.textContent('#sync'), new RegExp(`^${given.length} answers are waiting to be sent`), 'the queue survived');
    // the third kept problem, on screen again
    {
      const inst = instanceOf(pool[2].instance);
      for (const s of inst.steps) {
        await again.evaluate(() => (document.getElementById('say').textContent = ''));
        const card = again.locator('#content .step:not(.answered)').last();
        if (s.answer.type === 'choice') await card.locator(`input[value="${rightAnswer(inst, s.id)}"]`).check();
        else await card.locator('input.answer').fill(rightAnswer(inst, s.id));
        await card.locator('button[type=submit]').click();
        given.push({ instance: pool[2].instance, step: s.id, response: rightAnswer(inst, s.id), correct: true });
        await again.waitForFunction(() => document.getElementById('say').textContent.trim() !== '');
      }
    }
    dev = await deviceState(again);
    const queued = dev.queue.map((e) => e.body);
    assert.equal(queued.length, given.length);
    assert.deepEqual(queued.map((b) => b.response), given.map((g) => g.response), 'in the order answered');
    for (const b of queued) {
      assert.match(b.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUID of its own');
      assert.ok(Date.parse(b.timestamp) <= Date.now(), 'the time it was answered');
      assert.ok(b.attempt >= 1 && b.duration_ms >= 0 && b.hints >= 0);
    }
    assert.equal(new Set(queued.map((b) => b.id)).size, queued.length);

    // 4. the connection returns: the queue is sent, in order, each answer once
    const backOnline = Date.now();
    wire.setCut(false);
    await context.setOffline(false);
    await again.waitForFunction((m) => document.getElementById('sync').textContent === m, CATALOG.en['practice.queue_sent'], { timeout: 20000 });
    dev = await deviceState(again);
    assert.equal(dev.queue.length, 0, 'the queue is empty');
    assert.equal(dev.rejected.length, 0, 'nothing was refused');
    // the server has each answer exactly once, with the time it was answered
    let sts = await statementsOf(students.offline.sourced_id);
    assert.equal(sts.length, given.length, `${sts.length} answered statements for ${given.length} answers`);
    for (const [i, b] of queued.entries()) {
      const mine = sts.filter((s) => s.id === b.id);
      assert.equal(mine.length, 1, `answer ${i + 1} recorded once`);
      assert.equal(Date.parse(mine[0].timestamp), Date.parse(b.timestamp), `answer ${i + 1}: the time it was answered`);
      assert.ok(Date.parse(mine[0].timestamp) < backOnline);
      assert.equal(mine[0].result.response, b.response);
      assert.equal(mine[0].result.success, given[i].correct, `answer ${i + 1}: judged as on the device`);
    }
    // a resend of the same answer (a second tab, a retry) is recorded once
    const csrf = (await getJson(again, '/api/v1/me')).csrf_token;
    const r = await again.request.post(`${wire.url}/api/v1/practice/attempts`, { data: queued[1], headers: { 'X-CSRF-Token': csrf } });
    assert.equal(r.status(), 200, await r.text());
    assert.equal((await r.json()).duplicate, true);
    sts = await statementsOf(students.offline.sourced_id);
    assert.equal(sts.length, given.length, 'still once each');
    assert.deepEqual(again.problems, []);
    // logging out: the device no longer opens practice offline as this learner
    assert.equal(await again.evaluate(() => localStorage.getItem('trellis.practice.user')), String(me.id));
    await again.click('[data-logout]');
    await again.waitForURL(/\/login\?bye=1$/);
    assert.equal(await again.evaluate(() => localStorage.getItem('trellis.practice.user')), null);
    writeArtifact('offline-practice.txt', `answers given offline: ${given.length}\n` + queued.map((b, i) => `${b.timestamp} ${b.id} step ${b.step} attempt ${b.attempt} "${b.response}" ${given[i].correct ? 'right' : 'wrong'}`).join('\n') + '\n');
    await context.close();
  } finally {
    await wire.close();
  }
});

test('weight: the practice page loads in at most 150 KB on the wire, and each next problem in at most 5 KB', async (t) => {
  if (why) return t.skip(why);
  const wire = await wireMeter(srv.url);
  const rows = [];
  try {
    for (const lang of ['es', 'en']) {
      const { context, page } = await asStudent('weight', { lang, width: 360, base: wire.url });
      wire.reset();
      await page.goto(`${wire.url}/practice`);
      await problemShown(page);
      // and the service worker has kept the app shell (its requests count too)
      await page.waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 15000 });
      await page.waitForLoadState('networkidle');
      await new Promise((r) => setTimeout(r, 500));
      const first = wire.total();
      rows.push(`first load (${lang}, empty cache, service worker installed): ${first} bytes (${wire.down} down, ${wire.up} up)`);
      assert.ok(first <= 150 * 1024, `the first load moved ${first} bytes`);
      // next problems: answer the one on screen right, then measure "Next problem"
      for (let k = 0; k < 3; k++) {
        const cur = await getJson(page, '/api/v1/practice/next');
        const inst = instanceOf(cur.instance);
        wire.reset();
        for (let i = cur.step_index; i < inst.steps.length; i++) {
          await clearSay(page);
          await fillAnswer(page, inst.steps[i], rightAnswer(inst, inst.steps[i].id));
          await activeStep(page).locator('button[type=submit]').click();
          await sayText(page);
        }
        await page.waitForSelector('#next');
        const answering = wire.total();
        wire.reset();
        await page.click('#next');
        await page.waitForFunction(() => !document.querySelector('.done-box'));
        await problemShown(page);
        const item = wire.total();
        rows.push(`next problem ${k + 1} (${lang}): ${item} bytes (${wire.down} down, ${wire.up} up); its answers: ${answering} bytes`);
        assert.ok(item <= 5 * 1024, `next problem ${k + 1} moved ${item} bytes`);
      }
      await context.close();
    }
  } finally {
    writeArtifact('weight-practice.txt', rows.join('\n') + '\n');
    await wire.close();
  }
});

test('when the catalog cannot be loaded, the practice page still shows, in English', async (t) => {
  if (why) return t.skip(why);
  const { context, page } = await asStudent('a11y', { lang: 'es', width: 360 });
  await page.route('**/i18n/*.json', (route) => route.abort('connectionfailed'));
  await page.goto(`${srv.url}/practice`);
  await page.waitForFunction(() => getComputedStyle(document.body).visibility === 'visible', null, { timeout: 6000 });
  await page.waitForFunction(() => document.getElementById('net').textContent !== '');
  await settle(page);
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.equal(await page.textContent('h1'), CATALOG.en['practice.heading'], 'the English of the page, never a message key');
  assert.match(await page.textContent('#net'), new RegExp(CATALOG.es['net.failed'].slice(0, 20)), 'and why, in the chosen language');
  assert.doesNotMatch(await page.textContent('body'), /practice\.[a-z_]+/);
  await context.close();
});

test('the practice and progress pages hold no inline script or style; /sw.js is JavaScript whose default scope covers them', async (t) => {
  if (why) return t.skip(why);
  for (const p of ['/practice', '/progress']) {
    const page = await request(srv.url, p);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /<script(?![^>]*\bsrc=)[^>]*>/i, `${p}: inline script`);
    assert.doesNotMatch(page.text, /\sstyle=|<style/i, `${p}: inline style`);
    assert.doesNotMatch(page.text, /\son[a-z]+=/i, `${p}: inline event handler`);
  }
  const sw = await request(srv.url, '/sw.js');
  assert.equal(sw.status, 200);
  assert.match(sw.headers.get('content-type'), /^text\/javascript/);
  assert.equal(sw.headers.get('cache-control'), 'no-cache', 'a new version is picked up at once');
  // served at the root, its default scope is "/": no Service-Worker-Allowed needed
  assert.equal(new URL('./', `${srv.url}/sw.js`).pathname, '/');
});
