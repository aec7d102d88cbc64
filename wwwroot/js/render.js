// One entry → one row element. Log text is untrusted: it only ever reaches the DOM as Text nodes (append of a
// string, textContent), and ANSI styling becomes classes or CSSOM properties, never markup or style attributes.

import { parseAnsi, stripAnsi } from './ansi.js';
import { fieldsOf, structuredRuns } from './structure.js';
import { readableForeground } from './contrast.js';

const MARKER_ICON = { gap: '⚠', rotated: '↻', truncated: '✂', status: '●', start: '⤒' };

/** The text a filter sees and a download holds: escape sequences removed. Computed once per entry. */
export function plainOf(entry) {
  return (entry.plain ??= stripAnsi(entry.text));
}

/**
 * ctx: { colourOf(source) → palette slot, showSource, timestamps, highlight(plain, entry) → [start, end) ranges, or null,
 *        fields: field names shown as columns, open(entry): opens a structured line's details }
 */
export function buildRow(entry, ctx) {
  const row = document.createElement('div');
  let cls = `row c${ctx.colourOf(entry.source)}`;
  if (entry.marker) {
    cls += ` marker marker-${entry.marker}`;
  } else {
    // The level the server found (the same one level= and alert rules use).
    if (entry.level) cls += ` lv-${entry.level}`;
    if (entry.stream === 'stderr') cls += ' stderr';
    if (entry.target) cls += ' target';
  }
  row.className = cls;
  if (ctx.timestamps) {
    const ts = cell('ts', formatTime(entry.ts));
    if (entry.at) ts.title = `logged ${new Date(entry.at).toISOString()}`;
    row.append(ts);
  }
  if (ctx.showSource) {
    const src = cell('src', entry.source);
    src.title = entry.source;
    row.append(src);
  }
  if (!entry.marker && ctx.fields?.length > 0) {
    for (const name of ctx.fields) {
      const value = entry.kind ? fieldsOf(entry).get(name) ?? '' : '';
      const field = cell('fld', value);
      if (value) field.title = `${name}: ${value}`;
      row.append(field);
    }
  }
  if (!entry.marker && entry.kind && ctx.open) {
    // Its glyph is drawn by CSS, so the row's text stays the line's text (copying, finding, tests).
    const toggle = cell('xp', '');
    toggle.setAttribute('role', 'button');
    toggle.setAttribute('aria-label', 'Open this line as a tree');
    toggle.title = 'Open this line as a tree';
    toggle.addEventListener('click', () => ctx.open(entry));
    row.append(toggle);
  }
  const msg = cell('msg', '');
  if (entry.marker) {
    msg.append(`${MARKER_ICON[entry.marker] ?? '●'} ${entry.text}`);
  } else {
    const runs = entry.kind ? (entry.sruns ??= structuredRuns(entry) ?? parseAnsi(entry.text)) : (entry.runs ??= parseAnsi(entry.text));
    const ranges = ctx.highlight?.(plainOf(entry), entry) ?? [];
    if (ranges.length === 0) {
      for (const run of runs) msg.append(run.style || run.cls ? styled(run) : run.text);
    } else {
      appendHighlighted(msg, runs, ranges);
    }
  }
  row.append(msg);
  return row;
}

// The runs' texts joined are the plain text, so match ranges found in it cut the runs into marked and unmarked pieces.
function appendHighlighted(msg, runs, ranges) {
  let pos = 0;
  let r = 0;
  for (const run of runs) {
    const end = pos + run.text.length;
    let at = pos;
    while (at < end) {
      while (r < ranges.length && ranges[r][1] <= at) r++;
      const inside = r < ranges.length && ranges[r][0] <= at;
      const next = r < ranges.length ? Math.min(inside ? ranges[r][1] : ranges[r][0], end) : end;
      const piece = { text: run.text.slice(at - pos, next - pos), style: run.style, cls: run.cls };
      const node = piece.style || piece.cls ? styled(piece) : document.createTextNode(piece.text);
      if (inside) {
        const mark = document.createElement('mark');
        mark.append(node);
        msg.append(mark);
      } else {
        msg.append(node);
      }
      at = next;
    }
    pos = end;
  }
}

function cell(className, text) {
  const span = document.createElement('span');
  span.className = className;
  span.textContent = text;
  return span;
}

function styled(run) {
  const s = run.style;
  const span = document.createElement('span');
  span.textContent = run.text;
  if (!s) {
    // A structured line's run: one class (JSON key, string, number…; logfmt key).
    span.className = run.cls;
    return span;
  }
  let fg = s.fg;
  let bg = s.bg;
  const classes = [];
  if (s.inverse) {
    // Reverse video swaps the colours; a default colour becomes the theme's other default.
    [fg, bg] = [bg, fg];
    if (fg === null) classes.push('fgi');
    if (bg === null) classes.push('bgi');
  }
  if (typeof fg === 'number') classes.push(`fg${fg}`);
  else if (fg) span.style.color = fg;
  else if (!s.inverse && typeof bg === 'number') classes.push('fgd');
  const fix = readableForeground(fg ?? (s.inverse ? 'bg' : 'fg'), bg ?? (s.inverse ? 'fg' : 'bg'));
  if (fix) span.style.color = fix;
  if (typeof bg === 'number') classes.push(`bg${bg}`);
  else if (bg) span.style.backgroundColor = bg;
  if (s.bold) classes.push('a-b');
  if (s.dim) classes.push('a-d');
  if (s.italic) classes.push('a-i');
  if (s.underline && s.strike) classes.push('a-us');
  else if (s.underline) classes.push('a-u');
  else if (s.strike) classes.push('a-s');
  if (classes.length > 0) span.className = classes.join(' ');
  return span;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

export function formatTime(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
