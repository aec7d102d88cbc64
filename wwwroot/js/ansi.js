// ANSI escape sequences in log lines: SGR (colours and styles) is turned into styled runs, everything else is
// dropped. The output is data only (text + style); rendering it safely is render.js's job.

// CSI (ESC [ params intermediates final), OSC (ESC ] ... BEL or ST) and two-character escapes; a lone ESC too.
const SEQUENCE = /\x1b(?:\[([\x30-\x3f]*)[\x20-\x2f]*([\x40-\x7e])|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x40-\x5f]|)/g;

export const hasEscapes = (text) => text.indexOf('\x1b') >= 0;

/** The text as it reads on a terminal, without escape sequences: what filters match and downloads could show. */
export function stripAnsi(text) {
  return hasEscapes(text) ? text.replace(SEQUENCE, '') : text;
}

/**
 * Splits a line into runs of text with one style each. A style is null (plain) or
 * { fg, bg, bold, dim, italic, underline, strike, inverse } where fg/bg is a palette index 0-15 or a CSS rgb() string.
 */
export function parseAnsi(text) {
  if (!hasEscapes(text)) return [{ text, style: null }];
  const runs = [];
  let state = null;
  let last = 0;
  SEQUENCE.lastIndex = 0;
  for (let m; (m = SEQUENCE.exec(text)) !== null;) {
    if (m.index > last) runs.push({ text: text.slice(last, m.index), style: state });
    last = SEQUENCE.lastIndex;
    if (m[2] === 'm') state = applySgr(state, m[1]);
    if (m[0].length === 0) SEQUENCE.lastIndex++;
  }
  if (last < text.length) runs.push({ text: text.slice(last), style: state });
  return runs;
}

function applySgr(previous, params) {
  const s = { ...(previous ?? BLANK) };
  const parts = params === '' ? ['0'] : params.split(';');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.includes(':')) {
      // ITU form, e.g. 38:2::r:g:b, 38:5:n or 4:3 (curly underline).
      const sub = part.split(':');
      const code = +sub[0];
      if (code === 38 || code === 48) setColour(s, code === 38 ? 'fg' : 'bg', extended(sub, 1, true));
      else if (code === 4) s.underline = sub[1] !== '0';
      continue;
    }
    const code = part === '' ? 0 : +part;
    if (code === 38 || code === 48) {
      const colour = extended(parts, i + 1, false);
      setColour(s, code === 38 ? 'fg' : 'bg', colour.value);
      i += colour.used;
      continue;
    }
    applyCode(s, code);
  }
  return isBlank(s) ? null : Object.freeze(s);
}

// Reads "5;n" or "2;r;g;b" after a 38/48; returns the colour and how many parameters it used.
function extended(parts, at, itu) {
  const mode = +parts[at];
  if (mode === 5) {
    const value = colour256(+parts[at + 1]);
    return itu ? value : { value, used: 2 };
  }
  if (mode === 2) {
    // ITU form may carry a colour-space id before r;g;b: take the last three.
    const rgb = itu ? parts.slice(-3) : parts.slice(at + 1, at + 4);
    const [r, g, b] = rgb.map((v) => clamp(+v));
    const value = rgb.length === 3 ? `rgb(${r}, ${g}, ${b})` : null;
    return itu ? value : { value, used: 4 };
  }
  return itu ? null : { value: null, used: 1 };
}

function applyCode(s, code) {
  if (code === 0) Object.assign(s, BLANK);
  else if (code === 1) s.bold = true;
  else if (code === 2) s.dim = true;
  else if (code === 3) s.italic = true;
  else if (code === 4 || code === 21) s.underline = true;
  else if (code === 7) s.inverse = true;
  else if (code === 9) s.strike = true;
  else if (code === 22) s.bold = s.dim = false;
  else if (code === 23) s.italic = false;
  else if (code === 24) s.underline = false;
  else if (code === 27) s.inverse = false;
  else if (code === 29) s.strike = false;
  else if (code >= 30 && code <= 37) s.fg = code - 30;
  else if (code === 39) s.fg = null;
  else if (code >= 40 && code <= 47) s.bg = code - 40;
  else if (code === 49) s.bg = null;
  else if (code >= 90 && code <= 97) s.fg = code - 90 + 8;
  else if (code >= 100 && code <= 107) s.bg = code - 100 + 8;
}

function setColour(s, which, value) {
  if (value !== null && value !== undefined) s[which] = value;
}

/** xterm's 256-colour table: 0-15 stay palette indices (themed by CSS), the rest become rgb(). */
export function colour256(n) {
  if (!Number.isInteger(n) || n < 0 || n > 255) return null;
  if (n < 16) return n;
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const i = n - 16;
  const level = (x) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})`;
}

const clamp = (v) => (Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round(v))) : 0);

const BLANK = Object.freeze({ fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, strike: false, inverse: false });

function isBlank(s) {
  return s.fg === null && s.bg === null && !s.bold && !s.dim && !s.italic && !s.underline && !s.strike && !s.inverse;
}
