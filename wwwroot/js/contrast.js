// Keeps ANSI-coloured text readable: where a foreground/background pair from the 16-colour palette (or the theme's
// default colours) falls below WCAG AA's 4.5:1, the foreground is moved toward white or black, whichever needs the
// smaller step, until it passes. Terminals' "white" on red (ESC[41;37m) thus shows as near-white, as a test runner's
// FAILED badge intends. The palette is read from the stylesheet, so the two stay in step across themes.
// Explicit 256-colour and true colours are what a program asked for and are left alone.

export const MIN_CONTRAST = 4.5;
// Aimed a little above the minimum so rounding to whole channel values can never fall below it.
const TARGET = 4.6;

const dark = matchMedia('(prefers-color-scheme: dark)');
let palette = null;
const cache = new Map();
const listeners = [];

dark.addEventListener('change', () => {
  palette = null;
  cache.clear();
  for (const listener of listeners) listener();
});

/** Calls back when the theme (and so the palette) changes: rows built before must be built again. */
export function onThemeChange(listener) {
  listeners.push(listener);
}

/**
 * The colour to use instead of the foreground, or null when the pair is readable as it is. fg and bg are a palette
 * index 0-15, 'fg' / 'bg' for the theme's default text and background colours, or a CSS colour string (left alone).
 */
export function readableForeground(fg, bg) {
  if (typeof fg === 'string' && fg !== 'fg' && fg !== 'bg') return null;
  if (typeof bg === 'string' && bg !== 'fg' && bg !== 'bg') return null;
  if (fg === 'fg' && bg === 'bg') return null;
  const key = `${fg}/${bg}`;
  let answer = cache.get(key);
  if (answer === undefined) {
    palette ??= readPalette();
    answer = adjust(palette.get(fg), palette.get(bg));
    cache.set(key, answer);
  }
  return answer;
}

function readPalette() {
  const style = getComputedStyle(document.documentElement);
  const colours = new Map();
  colours.set('fg', parseColour(style.getPropertyValue('--fg')));
  colours.set('bg', parseColour(style.getPropertyValue('--bg')));
  for (let i = 0; i < 16; i++) colours.set(i, parseColour(style.getPropertyValue(`--a${i}`)));
  return colours;
}

function adjust(fg, bg) {
  if (!fg || !bg || contrast(fg, bg) >= MIN_CONTRAST) return null;
  let best = null;
  for (const target of [[255, 255, 255], [0, 0, 0]]) {
    if (contrast(target, bg) < TARGET) continue;
    // The smallest step toward the target that passes: contrast grows monotonically along the way.
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 16; i++) {
      const mid = (lo + hi) / 2;
      if (contrast(mix(fg, target, mid), bg) >= TARGET) hi = mid;
      else lo = mid;
    }
    if (best === null || hi < best.step) best = { step: hi, colour: mix(fg, target, hi) };
  }
  const [r, g, b] = best ? best.colour : [0, 0, 0];
  return `rgb(${r}, ${g}, ${b})`;
}

const mix = (from, to, t) => from.map((c, i) => Math.round(c + (to[i] - c) * t));

/** WCAG 2 contrast ratio of two sRGB colours ([r, g, b], 0-255). */
export function contrast(a, b) {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

function luminance([r, g, b]) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function parseColour(text) {
  const value = text.trim();
  let m = /^#([0-9a-f]{6})$/i.exec(value);
  if (m) return [0, 2, 4].map((i) => Number.parseInt(m[1].slice(i, i + 2), 16));
  m = /^#([0-9a-f]{3})$/i.exec(value);
  if (m) return [...m[1]].map((c) => Number.parseInt(c + c, 16));
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(value);
  return m ? [+m[1], +m[2], +m[3]] : null;
}
