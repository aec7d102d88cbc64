// What the user chose — sources, filter, options — kept in the URL so a link reopens the same view.

export const DEFAULT_MAX_LINES = 10000;
export const MIN_MAX_LINES = 100;
export const MAX_MAX_LINES = 500000;

/** Reads the view's options from a query string. Unknown or malformed values fall back to defaults. */
export function readState(search) {
  const q = new URLSearchParams(search);
  const sources = (q.get('sources') ?? '').split(',').map((s) => s.trim()).filter((s) => s && s.toLowerCase() !== 'all');
  const max = Number.parseInt(q.get('max') ?? '', 10);
  const backlog = Number.parseInt(q.get('backlog') ?? '', 10);
  const line = Number.parseInt(q.get('line') ?? '', 10);
  return {
    sources: [...new Set(sources)],
    filter: q.get('q') ?? '',
    matchCase: q.get('case') === '1',
    serverGrep: q.get('grep') === '1',
    timestamps: q.get('ts') === '1',
    // null: the screen's default (see narrow.js).
    wrap: q.get('wrap') === '1' ? true : q.get('wrap') === '0' ? false : null,
    maxLines: Number.isFinite(max) ? clampMax(max) : DEFAULT_MAX_LINES,
    backlog: Number.isFinite(backlog) && backlog >= 0 ? backlog : null,
    levels: list(q.get('lv')),
    fields: list(q.get('fields')),
    // A link to one line (an alert's): its source's sequence number.
    line: Number.isSafeInteger(line) && line > 0 ? line : null,
  };
}

const list = (text) => [...new Set((text ?? '').split(',').map((s) => s.trim()).filter(Boolean))];

export function clampMax(n) {
  return Math.max(MIN_MAX_LINES, Math.min(MAX_MAX_LINES, Math.round(n)));
}

/** The query string for a state; defaults are left out so links stay short. */
export function toQuery(state) {
  const q = new URLSearchParams();
  if (state.sources.length > 0) q.set('sources', state.sources.join(','));
  if (state.filter) q.set('q', state.filter);
  if (state.matchCase) q.set('case', '1');
  if (state.serverGrep) q.set('grep', '1');
  if (state.timestamps) q.set('ts', '1');
  if (state.wrap !== null) q.set('wrap', state.wrap ? '1' : '0');
  if (state.maxLines !== DEFAULT_MAX_LINES) q.set('max', String(state.maxLines));
  if (state.backlog !== null) q.set('backlog', String(state.backlog));
  if (state.levels?.length) q.set('lv', state.levels.join(','));
  if (state.fields?.length) q.set('fields', state.fields.join(','));
  if (state.line) q.set('line', String(state.line));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export function saveState(state) {
  const query = toQuery(state);
  if (query !== location.search) history.replaceState(null, '', `${location.pathname}${query}${location.hash}`);
}
