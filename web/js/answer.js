// Answer checking on the device, for practice done offline: the number, fraction,
// choice and text rules of the server's checker (src/core/answer.h), ported rule for
// rule so the device and the server agree. Expressions are checked by the server only.
//
//   number    a decimal ("-0.75", "1e-3", "0,5"), an integer, or a fraction or mixed
//             number taken for its value; equal within the step's tolerance
//             (absolute), or relative 1e-9 of |expected|.
//   fraction  an integer, "a/b", a mixed number "1 1/2" ("-1 1/2" is -3/2) or a
//             decimal, compared exactly; with `simplified`, the form must be in lowest
//             terms ("2/4", "4/2", "2/1", "1 2/4", "0/5" and decimals are not).
//   choice    labels separated by commas (or semicolons), compared as sets.
//   text      equal after normalisation: the server's NFC subset (a Latin letter and one
//             combining mark of the Latin-1 letters), lower case (ASCII, Latin-1, Latin
//             Extended-A), white space runs made one space, trimmed.
// A minus may be '-' or U+2212; a decimal comma is read unless it is followed by exactly
// three digits ("1,000" is "ambiguous_separator"). Exact arithmetic uses BigInt with the
// server's 64-bit limits ("out_of_range" past them).
//
// No DOM: the browser tests import this module in Node and compare it, case by case,
// with `trellis check-answer`.

const MAX_LEN = 1000; // bytes of UTF-8, as ANSWER_MAX_LEN
const I64_MAX = (1n << 63n) - 1n;
const DOT = 0x2e;
const COMMA = 0x2c;
const SLASH = 0x2f;
const P10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

export const OFFLINE_TYPES = ['number', 'fraction', 'choice', 'text'];

const isDigit = (c) => c >= 0x30 && c <= 0x39;
const isMinus = (c) => c === 0x2d || c === 0x2212;
function isSpace(c) {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000;
}

// Code points, or null where the text is not valid Unicode (a lone surrogate) or holds NUL.
function codePoints(s) {
  const out = [];
  for (const ch of String(s)) {
    const c = ch.codePointAt(0);
    if (c === 0 || (c >= 0xd800 && c <= 0xdfff)) return null;
    out.push(c);
  }
  return out;
}

function utf8Length(cps) {
  let n = 0;
  for (const c of cps) n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  return n;
}

function skipSpace(s, i) {
  while (i < s.length && isSpace(s[i])) i++;
  return i;
}

// digits [. digits] or [, digits]: {r: 1, end, d}, {r: 0} (no number), {r: -1} (ambiguous)
function decRead(s, i) {
  const d = { mant: 0n, exp10: 0, exact: true, hasPoint: false };
  let k = i;
  let sig = 0;
  let any = false;
  for (; k < s.length && isDigit(s[k]); k++) {
    any = true;
    if (d.mant === 0n && s[k] === 0x30) continue; // leading zeros
    if (sig < 19) {
      d.mant = d.mant * 10n + BigInt(s[k] - 0x30);
      sig++;
    } else {
      d.exp10++;
      if (s[k] !== 0x30) d.exact = false;
    }
    if (d.exp10 > 100000) d.exp10 = 100000;
  }
  if (k < s.length && (s[k] === DOT || s[k] === COMMA) && k + 1 < s.length && isDigit(s[k + 1])) {
    const f = k + 1;
    let nd = 0;
    while (f + nd < s.length && isDigit(s[f + nd])) nd++;
    const after = f + nd < s.length && (s[f + nd] === DOT || s[f + nd] === COMMA);
    if (s[k] === COMMA && nd === 3 && !after) return { r: -1 }; // 1,000: thousands or one point zero?
    if (s[k] === COMMA && after) return { r: -1 }; // 1,234.5: separators not read
    d.hasPoint = true;
    for (k = f; k < s.length && isDigit(s[k]); k++) {
      any = true;
      if (d.mant === 0n && s[k] === 0x30) {
        if (d.exp10 > -100000) d.exp10--;
        continue;
      }
      if (sig < 19) {
        d.mant = d.mant * 10n + BigInt(s[k] - 0x30);
        d.exp10--;
        sig++;
      } else if (s[k] !== 0x30) {
        d.exact = false;
      }
    }
  } else if (k < s.length && s[k] === DOT && any) {
    k++; // "3." reads as 3
    d.hasPoint = true;
  }
  if (!any) return { r: 0 };
  while (d.mant !== 0n && d.mant % 10n === 0n) {
    d.mant /= 10n;
    d.exp10++;
  }
  if (d.mant === 0n) d.exp10 = 0;
  return { r: 1, end: k, d };
}

function decValue(d) {
  const m = Number(d.mant);
  const e = d.exp10;
  if (d.mant === 0n) return 0;
  if (e >= 0 && e <= 22) return m * P10[e];
  if (e < 0 && e >= -22) return m / P10[-e];
  if (e > 400) return Infinity;
  if (e < -400) return 0;
  if (e > 0) return m * 1e22 * Math.pow(10, e - 22);
  return (m / 1e22) * Math.pow(10, e + 22);
}

// A decimal as an exact rational, if it fits 64 bits over at most 10^18.
function decRational(d) {
  if (!d.exact) return null;
  let n = d.mant;
  let q = 1n;
  if (d.exp10 >= 0) {
    for (let k = 0; k < d.exp10; k++) {
      n *= 10n;
      if (n > I64_MAX) return null;
    }
  } else {
    if (d.exp10 < -18) return null;
    q = 10n ** BigInt(-d.exp10);
  }
  if (n > I64_MAX) return null;
  return { num: n, den: q };
}

// An unsigned integer: {r: 1, end, v}, {r: 0} if none, {r: -1, end} past 64 bits.
function readInt(s, i) {
  let v = 0n;
  let k = i;
  while (k < s.length && isDigit(s[k])) {
    v = v * 10n + BigInt(s[k] - 0x30);
    if (v > I64_MAX) v = I64_MAX + 1n;
    k++;
  }
  if (k === i) return { r: 0 };
  if (v > I64_MAX) return { r: -1, end: k };
  return { r: 1, end: k, v };
}

// A whole answer as a number: {sc} or {why} ("not_a_number", "out_of_range", "ambiguous_separator").
function readScalar(s, allowExp) {
  let i = skipSpace(s, 0);
  let neg = false;
  const sc = { kind: 'int', exact: false, num: 0n, den: 1n, whole: 0n, part: 0n, value: 0, denZero: false, hasExp: false };
  if (i < s.length && (isMinus(s[i]) || s[i] === 0x2b)) {
    neg = isMinus(s[i]);
    i = skipSpace(s, i + 1);
  }
  let rd = decRead(s, i);
  if (rd.r < 0) return { why: 'ambiguous_separator' };
  if (rd.r === 0) return { why: 'not_a_number' };
  const d = rd.d;
  sc.kind = d.hasPoint ? 'dec' : 'int';
  sc.value = decValue(d);
  let q = decRational(d);
  sc.exact = !!q;
  if (q) ({ num: sc.num, den: sc.den } = q);
  i = rd.end;
  if (allowExp && i < s.length && (s[i] === 0x65 || s[i] === 0x45)) {
    let k = i + 1;
    let eneg = false;
    if (k < s.length && (s[k] === 0x2b || s[k] === 0x2d)) {
      eneg = s[k] === 0x2d;
      k++;
    }
    const ri = readInt(s, k);
    if (ri.r === 0) return { why: 'not_a_number' };
    let e = ri.r < 0 || ri.v > 100000n ? 100000 : Number(ri.v);
    d.exp10 += eneg ? -e : e;
    sc.value = decValue(d);
    q = decRational(d);
    sc.exact = !!q;
    if (q) ({ num: sc.num, den: sc.den } = q);
    sc.kind = 'dec';
    sc.hasExp = true;
    i = ri.end;
  }
  let j = skipSpace(s, i);
  if (j < s.length && !sc.hasExp && sc.kind === 'int' && (s[j] === SLASH || isDigit(s[j]))) {
    let whole = 0n;
    let part = 0n;
    let b;
    let end;
    if (!sc.exact) return { why: 'out_of_range' };
    if (s[j] === SLASH) {
      // a/b
      part = sc.num;
      const rb = readInt(s, skipSpace(s, j + 1));
      if (rb.r === 0) return { why: 'not_a_number' };
      if (rb.r < 0) return { why: 'out_of_range' };
      b = rb.v;
      end = rb.end;
      sc.kind = 'frac';
    } else {
      // w a/b
      whole = sc.num;
      const rp = readInt(s, j);
      if (rp.r < 0) return { why: 'out_of_range' };
      part = rp.v;
      i = skipSpace(s, rp.end);
      if (i >= s.length || s[i] !== SLASH) return { why: 'not_a_number' };
      const rb = readInt(s, skipSpace(s, i + 1));
      if (rb.r === 0) return { why: 'not_a_number' };
      if (rb.r < 0) return { why: 'out_of_range' };
      b = rb.v;
      end = rb.end;
      sc.kind = 'mixed';
    }
    i = end;
    if (b === 0n) {
      sc.denZero = true;
    } else {
      const n = whole * b + part;
      if (n > I64_MAX) return { why: 'out_of_range' };
      sc.num = n;
      sc.den = b;
      sc.whole = whole;
      sc.part = part;
      sc.value = Number(n) / Number(b);
    }
  }
  if (skipSpace(s, i) !== s.length) return { why: 'not_a_number' };
  if (neg) {
    sc.num = -sc.num;
    sc.value = -sc.value;
  }
  if (!sc.denZero && !Number.isFinite(sc.value)) return { why: 'out_of_range' };
  return { sc };
}

function gcd(a, b) {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y) [x, y] = [y, x % y];
  return x;
}

function simplifiedForm(sc) {
  switch (sc.kind) {
    case 'int':
      return true;
    case 'frac':
      return sc.den > 1n && sc.num !== 0n && gcd(sc.num, sc.den) === 1n;
    case 'mixed':
      return sc.den > 1n && sc.part > 0n && sc.part < sc.den && sc.whole > 0n && gcd(sc.part, sc.den) === 1n;
    default:
      return false;
  }
}

class BadExpected extends Error {}
const result = (correct, reason) => ({ correct, reason });

function checkNumber(spec, e, g) {
  const x = readScalar(e, true);
  if (x.why || x.sc.denZero) throw new BadExpected(x.why || 'division_by_zero');
  const y = readScalar(g, true);
  if (y.why) return result(false, y.why);
  if (y.sc.denZero) return result(false, 'division_by_zero');
  const a = x.sc;
  const b = y.sc;
  if (a.exact && b.exact && a.num * b.den === b.num * a.den) return result(true, 'equal');
  const diff = Math.abs(b.value - a.value);
  if (diff <= spec.absTol || diff <= spec.relTol * Math.abs(a.value)) return result(true, 'within_tolerance');
  return result(false, 'different_value');
}

function checkFraction(spec, e, g) {
  const x = readScalar(e, false);
  if (x.why || x.sc.denZero || !x.sc.exact) throw new BadExpected(x.why || 'out_of_range');
  const y = readScalar(g, false);
  if (y.why) return result(false, y.why === 'not_a_number' ? 'not_a_fraction' : y.why);
  const a = x.sc;
  const b = y.sc;
  if (b.denZero) return result(false, 'division_by_zero');
  if (!b.exact) return result(false, 'out_of_range');
  if (a.num * b.den !== b.num * a.den) return result(false, 'different_value');
  if (spec.simplified && b.kind === 'dec') return result(false, 'not_a_fraction');
  if (spec.simplified && !simplifiedForm(b)) return result(false, 'not_simplified');
  return result(true, a.kind === b.kind && a.num === b.num && a.den === b.den ? 'equal' : 'equivalent');
}

// ---- text ----

// (base letter, combining mark) -> the Latin-1 letter NFC makes of them (answer_text.c)
const COMPOSE = new Map();
{
  const table = [
    [0xc0, 'A', 0x300], [0xc1, 'A', 0x301], [0xc2, 'A', 0x302], [0xc3, 'A', 0x303], [0xc4, 'A', 0x308], [0xc5, 'A', 0x30a],
    [0xc7, 'C', 0x327], [0xc8, 'E', 0x300], [0xc9, 'E', 0x301], [0xca, 'E', 0x302], [0xcb, 'E', 0x308], [0xcc, 'I', 0x300],
    [0xcd, 'I', 0x301], [0xce, 'I', 0x302], [0xcf, 'I', 0x308], [0xd1, 'N', 0x303], [0xd2, 'O', 0x300], [0xd3, 'O', 0x301],
    [0xd4, 'O', 0x302], [0xd5, 'O', 0x303], [0xd6, 'O', 0x308], [0xd9, 'U', 0x300], [0xda, 'U', 0x301], [0xdb, 'U', 0x302],
    [0xdc, 'U', 0x308], [0xdd, 'Y', 0x301],
  ];
  for (const [c, b, m] of table) {
    COMPOSE.set(`${b.charCodeAt(0)},${m}`, c);
    COMPOSE.set(`${b.toLowerCase().charCodeAt(0)},${m}`, c + 0x20); // every one has its small letter 0x20 on
  }
  COMPOSE.set(`${'y'.charCodeAt(0)},${0x308}`, 0xff);
}

function lower(c) {
  if (c >= 0x41 && c <= 0x5a) return c + 32;
  if (c >= 0xc0 && c <= 0xde && c !== 0xd7) return c + 32;
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177)) return c | 1;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) return c & 1 ? c + 1 : c;
  if (c === 0x178) return 0xff;
  return c;
}

// The server's normalisation of a text or choice answer (a string of code points).
export function normalizeText(s) {
  const cps = typeof s === 'string' ? codePoints(s) : s;
  if (!cps) return null;
  const out = [];
  let pending = false;
  for (let i = 0; i < cps.length; i++) {
    let c = cps[i];
    if (isSpace(c)) {
      pending = out.length > 0;
      continue;
    }
    if (i + 1 < cps.length && c < 0x80) {
      const k = COMPOSE.get(`${c},${cps[i + 1]}`);
      if (k) {
        c = k;
        i++;
      }
    }
    if (pending) out.push(0x20);
    pending = false;
    out.push(lower(c));
  }
  return String.fromCodePoint(...out);
}

function splitChoices(norm) {
  const out = [];
  for (const part of norm.split(/[,;]/)) {
    const v = part.replace(/^ +| +$/g, '');
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

function checkChoice(e, g) {
  const ie = splitChoices(normalizeText(e));
  if (!ie.length) throw new BadExpected('empty');
  const ig = splitChoices(normalizeText(g));
  if (!ig.length) return result(false, 'empty');
  const extra = ig.some((x) => !ie.includes(x));
  const missing = ie.some((x) => !ig.includes(x));
  if (!extra && !missing) return result(true, 'equal');
  if (extra && missing) return result(false, 'different_choice');
  return result(false, extra ? 'extra_choice' : 'missing_choice');
}

function checkText(e, g) {
  const a = normalizeText(e);
  if (!a) throw new BadExpected('empty');
  const b = normalizeText(g);
  if (!b) return result(false, 'empty');
  return result(a === b, a === b ? 'equal' : 'different_text');
}

// Check one given answer against one expected answer:
//   spec {type, tolerance (absolute, default 0), simplified}
// Returns {correct, reason}, or null when the device cannot check it (an expression,
// or an expected answer that does not read under its own type).
export function checkAnswer(spec, expected, given) {
  const type = spec.type;
  if (!OFFLINE_TYPES.includes(type)) return null;
  const e = codePoints(expected);
  if (!e || utf8Length(e) > MAX_LEN || skipSpace(e, 0) === e.length) return null;
  const g = codePoints(given ?? '');
  if (g && utf8Length(g) > MAX_LEN) return result(false, 'too_long');
  if (!g) return result(false, 'bad_encoding');
  if (skipSpace(g, 0) === g.length) return result(false, 'empty');
  const full = { absTol: Number(spec.tolerance) >= 0 ? Number(spec.tolerance) : 0, relTol: 1e-9, simplified: !!spec.simplified };
  try {
    if (type === 'number') return checkNumber(full, e, g);
    if (type === 'fraction') return checkFraction(full, e, g);
    if (type === 'choice') return checkChoice(e, g);
    return checkText(e, g);
  } catch (err) {
    if (err instanceof BadExpected) return null;
    throw err;
  }
}

// A step as GET /api/v1/practice/next?ahead=N gives it for offline use ({type,
// accepted, tolerance?, simplified?}): right if any accepted answer matches, as the
// server judges. null when the device cannot check it.
export function checkStep(step, given) {
  if (!OFFLINE_TYPES.includes(step?.type) || !Array.isArray(step.accepted) || !step.accepted.length) return null;
  let last = null;
  for (const a of step.accepted) {
    const r = checkAnswer(step, a, given);
    if (!r) continue;
    if (r.correct) return r;
    last = r;
  }
  return last;
}
