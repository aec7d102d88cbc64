// Structured lines (the server says which: kind 'json' or 'logfmt'): syntax-coloured runs for the row, their fields
// for columns, and a pretty tree for the details panel. All of it is computed only for rows being drawn or a line
// being opened, and cached on the entry, so a firehose of JSON costs nothing until it is looked at. Log text reaches
// the DOM only as text (textContent, Text nodes), never as markup.

const MAX_FIELDS = 200;
const MAX_DEPTH = 6;

/**
 * The entry's text as runs [{ text, cls }] whose texts join to the text itself (so filter highlights line up):
 * JSON keys, strings, numbers and literals coloured; logfmt keys highlighted. Null when the entry is not
 * structured or carries terminal escapes (shown as ANSI instead).
 */
export function structuredRuns(entry) {
  if (!entry.kind || entry.text.indexOf('\x1b') >= 0) return null;
  return entry.kind === 'json' ? jsonRuns(entry.text) : entry.kind === 'logfmt' ? logfmtRuns(entry.text) : null;
}

function jsonRuns(text) {
  const runs = [];
  let plain = '';
  const flush = () => {
    if (plain) runs.push({ text: plain, cls: 'j-p' });
    plain = '';
  };
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      j = Math.min(j + 1, text.length);
      let k = j;
      while (k < text.length && (text[k] === ' ' || text[k] === '\t')) k++;
      flush();
      runs.push({ text: text.slice(i, j), cls: text[k] === ':' ? 'j-k' : 'j-s' });
      i = j;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j])) j++;
      flush();
      runs.push({ text: text.slice(i, j), cls: 'j-n' });
      i = j;
    } else if (text.startsWith('true', i) || text.startsWith('null', i) || text.startsWith('false', i)) {
      const word = text.startsWith('false', i) ? 5 : 4;
      flush();
      runs.push({ text: text.slice(i, i + word), cls: 'j-b' });
      i += word;
    } else {
      plain += c;
      i++;
    }
  }
  flush();
  return runs;
}

/** logfmt pairs: [{ key, value (unquoted), start, keyEnd, end }] for key=value; bare words are skipped. */
function logfmtPairs(text) {
  const pairs = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    const start = i;
    while (i < text.length && text[i] !== ' ' && text[i] !== '\t' && text[i] !== '=' && text[i] !== '"') i++;
    const keyEnd = i;
    if (text[i] !== '=' || keyEnd === start) {
      // A bare word (or something that is not a key): skip to the next space.
      while (i < text.length && text[i] !== ' ' && text[i] !== '\t') i++;
      continue;
    }
    i++;
    let value;
    if (text[i] === '"') {
      let j = i + 1;
      let out = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) {
          const e = text[j + 1];
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else {
          out += text[j++];
        }
      }
      value = out;
      i = Math.min(j + 1, text.length);
    } else {
      const j = i;
      while (i < text.length && text[i] !== ' ' && text[i] !== '\t') i++;
      value = text.slice(j, i);
    }
    pairs.push({ key: text.slice(start, keyEnd), value, start, keyEnd, end: i });
  }
  return pairs;
}

function logfmtRuns(text) {
  const runs = [];
  let at = 0;
  for (const p of logfmtPairs(text)) {
    if (p.start > at) runs.push({ text: text.slice(at, p.start), cls: '' });
    runs.push({ text: text.slice(p.start, p.keyEnd), cls: 'lf-k' });
    runs.push({ text: '=', cls: 'lf-p' });
    if (p.end > p.keyEnd + 1) runs.push({ text: text.slice(p.keyEnd + 1, p.end), cls: 'lf-v' });
    at = p.end;
  }
  if (at < text.length) runs.push({ text: text.slice(at), cls: '' });
  return runs;
}

/** The parsed value of a structured entry: the JSON object, or an object of logfmt pairs; null when not parseable. */
export function valueOf(entry) {
  if (entry.pv !== undefined) return entry.pv;
  let value = null;
  if (entry.kind === 'json') {
    try {
      const parsed = JSON.parse(entry.text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) value = parsed;
    } catch {
      value = null;
    }
  } else if (entry.kind === 'logfmt') {
    value = {};
    for (const p of logfmtPairs(entry.text)) if (!(p.key in value)) value[p.key] = p.value;
  }
  entry.pv = value;
  return value;
}

/** The entry's fields by dotted path ("http.status") → text, cached on the entry. */
export function fieldsOf(entry) {
  if (entry.fv) return entry.fv;
  const fields = new Map();
  const value = valueOf(entry);
  if (value) flatten(value, '', fields, 0);
  entry.fv = fields;
  return fields;
}

function flatten(value, prefix, fields, depth) {
  for (const [key, v] of Object.entries(value)) {
    if (fields.size >= MAX_FIELDS) return;
    const path = prefix ? `${prefix}.${key}` : key;
    if (v && typeof v === 'object' && !Array.isArray(v) && depth < MAX_DEPTH) flatten(v, path, fields, depth + 1);
    else fields.set(path, typeof v === 'string' ? v : JSON.stringify(v));
  }
}

/** Field names found in the newest structured entries, most frequent first. */
export function fieldNames(entries, look = 500) {
  const counts = new Map();
  let seen = 0;
  for (let i = entries.length - 1; i >= 0 && seen < look; i--) {
    const e = entries[i];
    if (!e.kind || e.marker) continue;
    seen++;
    for (const name of fieldsOf(e).keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name]) => name);
}

/**
 * A pretty, syntax-coloured tree of value: objects and arrays are <details> whose children are made the first time
 * they are opened (the first levels open at once).
 */
export function buildTree(value, key = null, depth = 0) {
  const isContainer = value !== null && typeof value === 'object';
  if (!isContainer) {
    const line = document.createElement('div');
    line.className = 'tree-leaf';
    if (key !== null) line.append(keySpan(key), ': ');
    line.append(leafSpan(value));
    return line;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const details = document.createElement('details');
  details.className = 'tree-node';
  const summary = document.createElement('summary');
  if (key !== null) summary.append(keySpan(key), ': ');
  const shape = document.createElement('span');
  shape.className = 'j-p';
  shape.textContent = Array.isArray(value) ? `[ ${entries.length} ]` : `{ ${entries.length} }`;
  summary.append(shape);
  details.append(summary);
  const fill = () => {
    if (details.dataset.filled) return;
    details.dataset.filled = '1';
    const children = document.createElement('div');
    children.className = 'tree-children';
    for (const [k, v] of entries) children.append(buildTree(v, k, depth + 1));
    details.append(children);
  };
  details.addEventListener('toggle', () => { if (details.open) fill(); });
  if (depth < 2) {
    details.open = true;
    fill();
  }
  return details;
}

function keySpan(key) {
  const span = document.createElement('span');
  span.className = typeof key === 'number' ? 'j-n' : 'j-k';
  span.textContent = typeof key === 'number' ? String(key) : JSON.stringify(key);
  return span;
}

function leafSpan(value) {
  const span = document.createElement('span');
  span.className = typeof value === 'string' ? 'j-s' : typeof value === 'number' ? 'j-n' : 'j-b';
  span.textContent = JSON.stringify(value);
  return span;
}
