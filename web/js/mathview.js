// Problem text from the server (prompts, choices, hints, feedback: HTML with MathML
// that src/core/mathml.c wrote) put into the page: parsed, and only the elements and
// attributes that renderer writes are kept, so nothing in a content pack can add
// script, styles or links to the page. Chromium draws MathML Core itself, and screen
// readers read it as math.
//
// And a preview of a typed fraction ("3/4", "1 1/2") drawn as MathML, so a child sees
// the fraction they wrote.

const MATHML = 'http://www.w3.org/1998/Math/MathML';
const TAGS = new Set([
  'math', 'mi', 'mn', 'mo', 'mtext', 'mrow', 'mfrac', 'msqrt', 'mroot', 'msup', 'msub', 'msubsup',
  'mover', 'munder', 'munderover', 'mspace', 'mstyle', 'mpadded', 'mphantom',
  'b', 'strong', 'i', 'em', 'br', 'sub', 'sup', 'span', 'code',
]);
const ATTRS = new Set(['display', 'width', 'mathvariant', 'stretchy', 'accent', 'form', 'fence', 'separator', 'lspace', 'rspace', 'linethickness']);

function clean(node) {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === Node.TEXT_NODE) continue;
    if (child.nodeType !== Node.ELEMENT_NODE || !TAGS.has(child.localName)) {
      // an element the renderer does not write: its text only
      child.replaceWith(document.createTextNode(child.textContent || ''));
      continue;
    }
    for (const a of [...child.attributes]) if (!ATTRS.has(a.name)) child.removeAttribute(a.name);
    clean(child);
  }
}

// Parsed in a <template>: its content is inert (nothing loads, nothing runs).
function parse(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html ?? '';
  return tpl.content;
}

// The server's HTML as a fragment of safe nodes.
export function fragment(html) {
  const f = parse(html);
  clean(f);
  return document.importNode(f, true);
}

// Plain text of the server's HTML (for a label or an announcement).
export function plainText(html) {
  return parse(html).textContent.replace(/\s+/g, ' ').trim();
}

function m(tag, ...children) {
  const el = document.createElementNS(MATHML, tag);
  for (const c of children) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

// "3/4" -> <math><mfrac>3 4</mfrac></math>, "-1 1/2" -> -1 1/2 as a mixed number;
// null when the text is not a fraction or mixed number (nothing to preview).
export function fractionMath(text) {
  const t = String(text ?? '').trim();
  const x = /^([-\u2212+]?)\s*(?:(\d+)\s+)?(\d+)\s*\/\s*(\d+)$/.exec(t);
  if (!x) return null;
  const [, sign, whole, num, den] = x;
  const parts = [];
  if (sign === '-' || sign === '\u2212') parts.push(m('mo', '\u2212'));
  if (whole) parts.push(m('mn', whole), m('mo', '\u2064'));
  parts.push(m('mfrac', m('mn', num), m('mn', den)));
  return m('math', ...parts);
}
