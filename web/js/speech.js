// Reading a problem aloud: the text to speak, made from the prompt's TeX (prompt_text:
// text with $...$ math) the way a teacher would say it ("\frac{3}{4}" is "3 over 4",
// "x^2" is "x squared", "-5" is "negative 5"), in English or Spanish, and the
// browser's speech synthesis where the device has a voice for the language.
//
// spokenText() has no DOM: the browser tests import it in Node.

const WORDS = {
  en: {
    over: 'over', and: 'and', plus: 'plus', minus: 'minus', negative: 'negative', times: 'times',
    divided: 'divided by', equals: 'equals', lt: 'is less than', gt: 'is greater than',
    le: 'is less than or equal to', ge: 'is greater than or equal to', ne: 'is not equal to',
    approx: 'is about', pm: 'plus or minus', squared: 'squared', cubed: 'cubed', power: 'to the power of',
    sqrt: 'the square root of', root: (n) => (n === '3' ? 'the cube root of' : `the root ${n} of`), abs: 'the absolute value of',
    pi: 'pi', theta: 'theta', alpha: 'alpha', beta: 'beta', gamma: 'gamma', delta: 'delta', infinity: 'infinity',
    percent: 'percent', dollars: 'dollars', degrees: 'degrees', blank: 'blank', dots: 'and so on', sub: 'sub',
    open: 'open bracket', close: 'close bracket', colon: 'to',
  },
  es: {
    over: 'sobre', and: 'y', plus: 'más', minus: 'menos', negative: 'menos', times: 'por',
    divided: 'entre', equals: 'es igual a', lt: 'es menor que', gt: 'es mayor que',
    le: 'es menor o igual que', ge: 'es mayor o igual que', ne: 'no es igual a',
    approx: 'es aproximadamente', pm: 'más o menos', squared: 'al cuadrado', cubed: 'al cubo', power: 'elevado a',
    sqrt: 'la raíz cuadrada de', root: (n) => (n === '3' ? 'la raíz cúbica de' : `la raíz ${n} de`), abs: 'el valor absoluto de',
    pi: 'pi', theta: 'theta', alpha: 'alfa', beta: 'beta', gamma: 'gamma', delta: 'delta', infinity: 'infinito',
    percent: 'por ciento', dollars: 'dólares', degrees: 'grados', blank: 'recuadro', dots: 'etcétera', sub: 'sub',
    open: 'abre paréntesis', close: 'cierra paréntesis', colon: 'a',
  },
};

// TeX commands and characters that are words (w: the language's words).
function symbolWord(x, w) {
  switch (x) {
    case '+': return w.plus;
    case '=': return w.equals;
    case '<': case '\\lt': return w.lt;
    case '>': case '\\gt': return w.gt;
    case '\\le': case '\\leq': case '≤': return w.le;
    case '\\ge': case '\\geq': case '≥': return w.ge;
    case '\\ne': case '\\neq': case '≠': return w.ne;
    case '\\approx': case '≈': return w.approx;
    case '\\pm': case '±': return w.pm;
    case '\\mp': return w.pm;
    case '\\times': case '\\cdot': case '×': case '·': case '⋅': case '*': return w.times;
    case '\\div': case '÷': case '/': return w.divided;
    case '\\pi': case 'π': return w.pi;
    case '\\theta': return w.theta;
    case '\\alpha': return w.alpha;
    case '\\beta': return w.beta;
    case '\\gamma': return w.gamma;
    case '\\Delta': return w.delta;
    case '\\infty': return w.infinity;
    case '\\%': case '%': return w.percent;
    case '\\square': case '\\Box': case '□': return w.blank;
    case '\\ldots': case '\\cdots': case '\\dots': case '…': return w.dots;
    case '\\circ': case '\\degree': case '°': return w.degrees;
    case ':': return w.colon;
    default: return null;
  }
}

const VALUE_COMMANDS = ['\\pi', '\\theta', '\\alpha', '\\beta', '\\gamma', '\\Delta', '\\infty'];
const SPACING = ['\\,', '\\;', '\\:', '\\!', '\\ ', '\\quad', '\\qquad', '\\{', '\\}', '\\left', '\\right'];
const TEXT_COMMANDS = ['\\text', '\\textrm', '\\mathrm', '\\operatorname', '\\overline', '\\mathbf', '\\mathit'];

// Read TeX math into words: a small reader over the subset the server renders
// (src/core/mathml.h); anything else is read as it is written. Each word is {t, v}:
// v is true after a value (a number, a letter, a closing bracket), so "-" after it is
// "minus" and elsewhere "negative".
function mathWords(tex, w) {
  const out = [];
  let i = 0;
  let dollar = false; // \$ was read: "dollars" goes after the number that follows
  const push = (t, v) => out.push({ t, v });
  const afterValue = () => out.length > 0 && out.at(-1).v;
  const text = (words) => words.map((x) => x.t).join(' ');

  // {...} or one token, as words
  function arg() {
    while (tex[i] === ' ') i++;
    if (tex[i] === '{') {
      let depth = 0;
      const start = i + 1;
      for (; i < tex.length; i++) {
        if (tex[i] === '{') depth++;
        else if (tex[i] === '}' && --depth === 0) break;
      }
      const inner = tex.slice(start, i);
      i++;
      return mathWords(inner, w);
    }
    const m = /^\\([A-Za-z]+|.)|^\d+(?:[.,]\d+)?|^./su.exec(tex.slice(i));
    if (!m) return [];
    i += m[0].length;
    return mathWords(m[0], w);
  }

  while (i < tex.length) {
    const rest = tex.slice(i);
    const c = [...rest][0];
    if (c === '\\') {
      const cmd = /^\\([A-Za-z]+|.)?/s.exec(rest)[0];
      i += cmd.length;
      if (cmd === '\\frac' || cmd === '\\dfrac' || cmd === '\\tfrac') {
        const num = text(arg());
        const den = text(arg());
        // a whole number right before a fraction of whole numbers is a mixed number: "2 and 1 over 3"
        if (afterValue() && /^\d+$/.test(out.at(-1).t) && /^\d+$/.test(num) && /^\d+$/.test(den)) push(w.and, false);
        push(`${num} ${w.over} ${den}`, true);
      } else if (cmd === '\\sqrt') {
        let n = null;
        if (tex[i] === '[') {
          const end = tex.indexOf(']', i);
          n = tex.slice(i + 1, end < 0 ? tex.length : end);
          i = end < 0 ? tex.length : end + 1;
        }
        push(`${n ? w.root(n) : w.sqrt} ${text(arg())}`, true);
      } else if (TEXT_COMMANDS.includes(cmd)) {
        push(text(arg()), true);
      } else if (cmd === '\\$') {
        dollar = true;
      } else if (!SPACING.includes(cmd)) {
        const word = symbolWord(cmd, w);
        push(word ?? cmd.slice(1), !word || VALUE_COMMANDS.includes(cmd));
      }
      continue;
    }
    if (c === '{') {
      const inner = text(arg());
      if (inner) push(inner, true);
      continue;
    }
    if (c === '^') {
      i++;
      const degrees = /^\s*(\{\s*)?\\circ/.test(tex.slice(i));
      const e = text(arg());
      push(degrees ? w.degrees : e === '2' ? w.squared : e === '3' ? w.cubed : `${w.power} ${e}`, true);
      continue;
    }
    if (c === '_') {
      i++;
      push(`${w.sub} ${text(arg())}`, true);
      continue;
    }
    if (c === '-' || c === '−') {
      i++;
      push(afterValue() ? w.minus : w.negative, false);
      continue;
    }
    if (c === '|') {
      const end = tex.indexOf('|', i + 1);
      if (end > i + 1) {
        push(`${w.abs} ${text(mathWords(tex.slice(i + 1, end), w))}`, true);
        i = end + 1;
      } else i++;
      continue;
    }
    if (c === '(' || c === '[') {
      // a bracket around an operation is read out ("3 times open bracket x minus 4 close
      // bracket"); around a value or a list, as in a point (7, 4), it is not
      const close = c === '(' ? ')' : ']';
      let depth = 0;
      let end = i;
      for (; end < tex.length; end++) {
        if (tex[end] === c) depth++;
        else if (tex[end] === close && --depth === 0) break;
      }
      const inner = mathWords(tex.slice(i + 1, end), w);
      const operation = inner.some((x) => !x.v && !x.t.endsWith(','));
      if (operation) {
        if (afterValue()) push(w.times, false);
        push(w.open, false);
        out.push(...inner);
        push(w.close, true);
      } else {
        out.push(...inner);
        if (out.length) out.at(-1).v = true;
      }
      i = end + 1;
      continue;
    }
    if (c === ')' || c === ']') {
      i++;
      continue;
    }
    const num = /^\d+(?:[.,]\d+)?/.exec(rest);
    if (num) {
      i += num[0].length;
      push(num[0], true);
      if (dollar) push(w.dollars, true);
      dollar = false;
      continue;
    }
    i += c.length;
    if (c === ',' || c === ';') {
      if (out.length) out.at(-1).t += c;
      if (out.length) out.at(-1).v = false;
      continue;
    }
    if (/\s/u.test(c)) continue;
    const word = symbolWord(c, w);
    if (word) push(word, c === '%' || c === '°' || c === 'π');
    else push(c, /[\p{L}\p{N}]/u.test(c));
  }
  return out.filter((x) => x.t !== '');
}

// The words to say for text with $...$ math (the server's prompt_text), in lang ('en' or 'es').
// \$ is a dollar sign, in text and in math.
export function spokenText(text, lang = 'en') {
  const w = WORDS[lang] || WORDS.en;
  const parts = [];
  const s = String(text ?? '');
  let i = 0;
  let plain = '';
  while (i < s.length) {
    if (s[i] === '\\' && s[i + 1] === '$') {
      plain += '$';
      i += 2;
      continue;
    }
    if (s[i] === '$') {
      const display = s[i + 1] === '$';
      const open = display ? 2 : 1;
      let close = i + open;
      while (close < s.length && !(s[close] === '$' && s[close - 1] !== '\\' && (!display || s[close + 1] === '$'))) close++;
      if (close >= s.length) close = -1;
      if (close < 0) {
        plain += s.slice(i);
        break;
      }
      parts.push(plain);
      plain = '';
      parts.push(mathWords(s.slice(i + open, close), w).map((x) => x.t).join(' '));
      i = close + open;
      continue;
    }
    plain += s[i++];
  }
  parts.push(plain);
  // "$2.45" in plain text: "2.45 dollars"
  return parts
    .join('')
    .replace(/\$\s?(\d+(?:[.,]\d+)?)/g, `$1 ${w.dollars}`)
    .replace(/\s+([,.?!:;])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

// Text with symbols but no TeX (a choice's text content, e.g. "<" or "−11"): the same words.
export function spokenSymbols(text, lang = 'en') {
  const t = String(text ?? '').trim();
  return spokenText(/[<>=≤≥≠×÷−+%°]/.test(t) ? `$${t.replace(/\$/g, '\\$')}$` : t, lang);
}

// ---- the browser's speech synthesis ----

const synth = () => (typeof window !== 'undefined' && 'speechSynthesis' in window ? window.speechSynthesis : null);

// A voice for the language (en, es), or null.
export function voiceFor(lang) {
  const s = synth();
  if (!s) return null;
  const voices = s.getVoices() || [];
  return voices.find((v) => v.lang?.toLowerCase().startsWith(lang) && v.localService) || voices.find((v) => v.lang?.toLowerCase().startsWith(lang)) || null;
}

// Call fn whenever the voices on the device change (they load late in some browsers).
export function onVoices(fn) {
  const s = synth();
  if (!s) return;
  s.addEventListener?.('voiceschanged', fn);
}

export function speaking() {
  return !!synth()?.speaking;
}

export function stopSpeaking() {
  synth()?.cancel();
}

// Say text in lang; resolves when done (or stopped).
export function speak(text, lang) {
  const s = synth();
  const voice = voiceFor(lang);
  if (!s || !voice) return Promise.resolve(false);
  s.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.voice = voice;
  u.lang = voice.lang;
  u.rate = 0.9; // a little slower, for young readers
  return new Promise((resolve) => {
    u.onend = () => resolve(true);
    u.onerror = () => resolve(false);
    s.speak(u);
  });
}
