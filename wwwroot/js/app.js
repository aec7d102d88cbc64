// TailHub's page: wires the source picker, filter, options and the live stream to the virtual log view.
// Incoming lines are queued and applied once per animation frame, so a firehose costs one DOM update per frame.

import { compileFilter } from './filter.js';
import { BUDGET_MS, RegexMatcher } from './matcher.js';
import { LogStream } from './stream.js';
import { authFetch } from './auth.js';
import { LineStore } from './store.js';
import { LogView } from './view.js';
import { SourcePicker } from './picker.js';
import { buildRow, plainOf } from './render.js';
import { clampMax, readState, saveState } from './state.js';
import { downloadLines, downloadFrom } from './download.js';
import { describeNotice } from './markers.js';
import { RunPanel } from './runs.js';
import { LevelChips } from './levelchips.js';
import { FieldPicker } from './fields.js';
import { DetailsPanel } from './details.js';
import { SetupHint } from './setup-hint.js';
import { onThemeChange } from './contrast.js';
import { StreamErrors } from './errors.js';
import { NARROW, foldBar } from './narrow.js';
import { LineLinks } from './line-link.js';
import { SearchPanel } from './search.js';
import { History, lineEntry } from './history.js';
import { parseGoto } from './goto.js';

const $ = (id) => document.getElementById(id);
const PALETTE_SIZE = 8;
const SOURCES_REFRESH_MS = 5000;
const GREP_DEBOUNCE_MS = 400;

const state = readState(location.search);
const store = new LineStore(state.maxLines);
const colours = new Map();
let sources = [];
let filter = null;
// A /regex/ filter is evaluated off the page's thread: entries carry its answer (m: false or match ranges) for the
// filter generation (mg) that computed it.
let matcher = null;
let filterGen = 0;
let pending = [];
let paused = false;
let received = 0;
let receivedAtPause = 0;
let frameRequested = false;
let streamError = '';
// The entry last shown by a go-to or a link (marked until the next one).
let shownTarget = null;

const details = new DetailsPanel($('details'));

const rowContext = {
  colourOf: (name) => colours.get(name) ?? 0,
  showSource: false,
  timestamps: state.timestamps,
  highlight: null,
  fields: state.fields,
  open: (entry) => details.toggle(entry),
};

const view = new LogView($('log'), {
  buildRow: (entry) => lineLinks.decorate(buildRow(entry, rowContext), entry),
  schedule,
  onStatus: showFollowing,
  onEdge: (above, below) => scrollback.edge(above, below),
});

const picker = new SourcePicker($('sources'), {
  colourOf: rowContext.colourOf,
  onChange(names) {
    state.sources = names;
    state.line = null;
    saveState(state);
    startStream();
    runs.setSources(sources, selectedNames());
  },
});

const setupHint = new SetupHint($('setup-hint'));
const lineLinks = new LineLinks($('log'), {
  epochOf: (source) => stream.epochOf(source) || (sources.find((s) => s.name === source)?.epoch ?? ''),
  redraw: () => view.rebuildRows(),
  say: (text) => setText('link-status', text),
});

// Search over the whole history of the sources shown (or of the run picked).
const search = new SearchPanel($('search'), {
  scope: () => ({
    names: selectedNames(),
    run: runs.source && runs.range ? runs.picked : null,
    lastSeqOf: (name) => sources.find((s) => s.name === name)?.lastSeq ?? 0,
  }),
});
$('search-open').addEventListener('click', () => search.open(state.filter));

const streamErrors = new StreamErrors($('stream-error'), () => stream.reconnect());
// Colours kept readable are worked out per theme: a theme change builds the rows again.
onThemeChange(() => view.rebuildRows());

const runs = new RunPanel($('runs'), {
  onPick: ({ cursor }) => startStream(cursor),
  maxLines: () => store.maxLines,
});

// Structured lines (levelchips.js, fields.js, details.js): level chips filter the view (and, with Server on, the stream),
// chosen fields become columns, a JSON or logfmt line opens as a tree.
const levels = new LevelChips($('levels'), {
  selected: state.levels,
  onChange(chosen) {
    state.levels = chosen;
    saveState(state);
    showFilter();
    stream.setLevel(serverLevel());
  },
});

new FieldPicker($('fields'), {
  chosen: state.fields,
  entries: () => store.entries,
  onChange(chosen) {
    state.fields = rowContext.fields = chosen;
    saveState(state);
    view.setPrefixChars(prefixChars());
    view.rebuildRows();
  },
});

const stream = new LogStream({
  lines(source, lines) {
    for (const l of lines) {
      const entry = lineEntry(source, l);
      if (scrollback.accept(entry)) pending.push(entry);
    }
    received += lines.length;
    boundPending();
    schedule();
  },
  notice(type, data) {
    if (type !== 'gap') picker.setState(data.source, data.state, data.message);
    if (data.run) runs.notice(data);
    const entry = { source: data.source, seq: data.seq ?? data.to, from: data.from, ts: data.ts ?? Date.now(), text: describeNotice(type, data, !rowContext.showSource), marker: type };
    if (scrollback.accept(entry)) pending.push(entry);
    schedule();
  },
  state: showConnection,
});

// Scroll-back and go-to over the history of the one source shown (history.js).
const scrollback = new History({
  store,
  view,
  scope: () => ({ source: selectedNames().length === 1 ? selectedNames()[0] : null, run: runs.source && runs.range ? runs.picked : null }),
  admit: async (entries) => (!matcher || (await evaluate(entries)) ? entries.filter(passes) : []),
  enqueue(entries) {
    pending.push(...entries);
    schedule();
  },
  dropPending: () => { pending = []; },
  reveal: showLine,
  say: (text) => setText('link-status', text),
  status: $('log'),
});

// Frames stop in a background tab and the queue fills while paused: only the newest maxLines could ever be shown.
function boundPending() {
  if (pending.length > store.maxLines * 1.5) pending.splice(0, pending.length - store.maxLines);
}

function schedule() {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

function frame() {
  frameRequested = false;
  if (!paused && pending.length > 0) ingest();
  view.render();
  showCounts();
}

// Moves queued entries into the store and, where they pass the filter, into the view; trims to the bound. With a
// /regex/ filter they reach the view once the worker has answered for them (in order: it answers in order).
function ingest() {
  let batch = pending;
  pending = [];
  if (batch.length > store.maxLines) batch = batch.slice(batch.length - store.maxLines);
  for (const entry of batch) store.add(entry);
  scrollback.trim();
  if (!matcher) {
    appendPassing(batch);
    return;
  }
  const gen = filterGen;
  evaluate(batch).then((done) => {
    if (done && gen === filterGen) appendPassing(batch);
  });
}

function appendPassing(entries) {
  const firstId = store.firstId();
  const passing = entries.filter((e) => e.id >= firstId && passes(e));
  view.append(passing);
  schedule();
}

// A line a go-to or a link asked for, once held: marked, selected (so the address links to it), scrolled to; the view
// stops following.
function showLine(entry) {
  if (shownTarget) shownTarget.target = false;
  shownTarget = entry;
  entry.target = true;
  lineLinks.select(entry, true);
  if (state.line !== null) {
    // The #line= link in the address now says where the view is.
    state.line = null;
    saveState(state);
  }
  if (!view.items.includes(entry)) setText('link-status', `Line ${entry.seq.toLocaleString('en')} of ${entry.source} is hidden by the filter.`);
  view.reveal(entry);
  view.rebuildRows();
}

/**
 * Shows one line of a source ({ source, seq, epoch? } or { source, time }), from the lines held or from its history.
 * History is read per source: with several sources shown, a line not held is shown with its source alone.
 */
async function goTo(target) {
  if (!sources.some((s) => s.name === target.source)) {
    setText('link-status', `There is no source named ${target.source}.`);
    return false;
  }
  const names = selectedNames();
  if (names.length !== 1 || names[0] !== target.source) {
    const held = target.seq && store.entries.find((e) => !e.marker && e.source === target.source && e.seq === target.seq);
    if (held) {
      showLine(held);
      return true;
    }
    state.sources = [target.source];
    picker.setSelection(state.sources);
    saveState(state);
    startStream();
    runs.setSources(sources, selectedNames());
  }
  // With runs, the line is shown inside the run that holds it (picking it may start the stream again: first).
  if (target.seq) await runs.pickRunOf(target.seq);
  return scrollback.goto(target);
}

// The search panel (and anything else) asks for a line with this event: { source, seq }.
document.addEventListener('tailhub:goto', (e) => {
  const { source, seq } = e.detail ?? {};
  if (typeof source === 'string' && Number.isSafeInteger(seq) && seq > 0) goTo({ source, seq });
});

/** Has the current regex filter evaluated for these entries; false if the filter changed or was stopped meanwhile. */
async function evaluate(entries) {
  const gen = filterGen;
  const todo = entries.filter((e) => !e.marker && e.mg !== gen);
  if (todo.length === 0) return true;
  const results = await matcher.match(todo.map(plainOf));
  if (results === null || gen !== filterGen) return false;
  todo.forEach((e, i) => {
    e.m = results[i];
    e.mg = gen;
  });
  return true;
}

function passes(entry) {
  if (!runs.includes(entry) || !levels.passes(entry)) return false;
  if (entry.marker !== '' || filter.error !== null) return true;
  if (filter.mode === 'regex') return entry.mg === filterGen && entry.m !== false;
  return filter.test(plainOf(entry));
}

/** Match ranges for highlighting: computed here for text, by the worker for a regex. */
function highlighter() {
  if (!filter.active || filter.error) return null;
  if (filter.mode !== 'regex') return filter.ranges;
  return (plain, entry) => (entry.mg === filterGen && entry.m) || [];
}

// ---- sources and stream ----

async function loadSources() {
  try {
    const response = await authFetch('api/sources', { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const list = await response.json();
    const first = sources.length === 0;
    sources = list;
    list.forEach((s, i) => colours.set(s.name, i % PALETTE_SIZE));
    picker.setSources(list);
    runs.setSources(list, selectedNames());
    if (first) {
      const known = new Set(list.map((s) => s.name));
      state.sources = state.sources.filter((n) => known.has(n));
      picker.setSelection(state.sources);
      saveState(state);
      startStream();
      openLinkedLine();
    }
    setTimeout(loadSources, SOURCES_REFRESH_MS);
  } catch (e) {
    if (sources.length === 0) showConnection('offline', `cannot list sources (${e.message}); retrying`);
    setTimeout(loadSources, sources.length === 0 ? 2000 : SOURCES_REFRESH_MS);
  }
}

/**
 * A link to one line opens there, through the same go-to as the search's hits: #line=source@epoch=seq (a shared link)
 * or ?sources=name&line=N (an alert's).
 */
function openLinkedLine() {
  const link = lineLinks.take();
  if (link) goTo(link);
  else if (state.line !== null && state.sources.length === 1) goTo({ source: state.sources[0], seq: state.line });
}

function selectedNames() {
  return state.sources.length > 0 ? state.sources : sources.map((s) => s.name);
}

/** from: a cursor to resume from (a run's start) instead of the backlog. */
function startStream(from = null) {
  const names = selectedNames();
  rowContext.showSource = names.length > 1;
  const tagWidth = Math.min(16, Math.max(4, ...names.map((n) => n.length)));
  document.documentElement.style.setProperty('--src-w', `${tagWidth}ch`);
  view.setPrefixChars(prefixChars(tagWidth));
  store.clear();
  pending = [];
  scrollback.reset();
  view.setItems([]);
  view.jumpToLatest();
  stream.start({
    names,
    all: state.sources.length === 0,
    grep: serverGrep(),
    level: serverLevel(),
    backlog: state.backlog,
    from,
  });
}

function prefixChars(tagWidth = Math.min(16, Math.max(4, ...selectedNames().map((n) => n.length)))) {
  return (rowContext.timestamps ? 13 : 0) + (rowContext.showSource ? tagWidth + 1 : 0) + rowContext.fields.length * 17;
}

const serverGrep = () => (state.serverGrep && !filter.error ? filter.serverPattern : '');
const serverLevel = () => (state.serverGrep ? levels.lowest() : '');

// ---- filter ----

let grepTimer = 0;

function setFilter() {
  filter = compileFilter(state.filter, state.matchCase);
  filterGen++;
  matcher?.close();
  matcher = null;
  if (filter.mode === 'regex' && !filter.error) {
    const gen = filterGen;
    matcher = new RegexMatcher(filter.source, filter.flags, (lines) => regexStopped(gen, lines));
  }
  rowContext.highlight = highlighter();
}

function applyFilter() {
  setFilter();
  saveState(state);
  showFilter();
  showFilterError();
  clearTimeout(grepTimer);
  grepTimer = setTimeout(() => stream.setGrep(serverGrep()), GREP_DEBOUNCE_MS);
}

// The view for the current filter: at once, or once the worker has answered for every line held.
function showFilter() {
  if (!matcher) {
    view.setItems(store.entries.filter(passes));
    schedule();
    return;
  }
  const gen = filterGen;
  evaluate(store.entries).then((done) => {
    if (!done || gen !== filterGen) return;
    view.setItems(store.entries.filter(passes));
    schedule();
  });
}

// The pattern took the whole budget on one batch: it is dropped (every line shows) and the user is told why.
function regexStopped(gen, lines) {
  if (gen !== filterGen) return;
  matcher = null;
  filter = {
    ...filter,
    error: `This regular expression took over ${BUDGET_MS / 1000} s on ${lines.toLocaleString()} line${lines === 1 ? '' : 's'} `
      + 'and was stopped so the page stays responsive; it probably backtracks catastrophically (nested repetition '
      + 'such as (a+)*). Every line is shown until the filter is changed.',
  };
  rowContext.highlight = null;
  showFilter();
  showFilterError();
  stream.setGrep(serverGrep());
}

function showFilterError() {
  const message = filter.error ?? (state.serverGrep && streamError ? `Server: ${streamError}` : '');
  $('filter-error').textContent = message;
  $('filter-error').hidden = !message;
  $('filter').setAttribute('aria-invalid', String(Boolean(filter.error)));
}

// ---- status display ----

const CONNECTION_TEXT = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline', error: 'Error' };

function showConnection(connection, detail, refusal = null) {
  streamErrors.update(connection, refusal);
  const badge = $('connection');
  badge.dataset.state = connection;
  badge.querySelector('.label').textContent = CONNECTION_TEXT[connection] ?? connection;
  badge.title = `${detail ? `${detail}. ` : ''}Click to reconnect now.`;
  streamError = connection === 'error' ? detail : '';
  showFilterError();
}

function showFollowing(following, newCount) {
  const jump = $('jump');
  jump.hidden = following;
  const away = scrollback.detached || scrollback.extended;
  jump.textContent = away ? 'Back to live' : newCount > 0
    ? `${newCount.toLocaleString()} new line${newCount === 1 ? '' : 's'} — jump to latest`
    : 'Jump to latest';
}

const shown = { text: {} };
function setText(id, text) {
  if (shown.text[id] === text) return;
  shown.text[id] = text;
  $(id).textContent = text;
}

function showCounts() {
  setText('held', `${store.lines.toLocaleString()} / ${store.maxLines.toLocaleString()} lines held`);
  setText('matches', filter.active && !filter.error ? `${view.lineCount.toLocaleString()} match${view.lineCount === 1 ? '' : 'es'}` : '');
  setText('paused-count', paused ? `Paused — ${(received - receivedAtPause).toLocaleString()} new` : '');
  const empty = view.items.length === 0;
  const known = selectedNames().map((n) => sources.find((s) => s.name === n));
  setupHint.update(known.length > 0 && known.every((s) => s?.ownLog), store.lines === 0 && !filter.active && sources.length > 0);
  $('empty').hidden = !empty;
  if (empty) setText('empty', store.entries.length > 0 ? 'No lines match the filter.' : 'Waiting for lines…');
}

let lastReceived = 0;
setInterval(() => {
  setText('rate', `${(received - lastReceived).toLocaleString()} lines/s`);
  lastReceived = received;
}, 1000);

// ---- controls ----

function toggle(id, on) {
  $(id).setAttribute('aria-pressed', String(on));
}

function setPaused(on) {
  paused = on;
  receivedAtPause = received;
  toggle('pause', on);
  $('pause').querySelector('.label').textContent = on ? 'Resume' : 'Pause';
  document.body.classList.toggle('paused', on);
  schedule();
}

function setTimestamps(on) {
  state.timestamps = rowContext.timestamps = on;
  toggle('timestamps', on);
  saveState(state);
  view.setPrefixChars(prefixChars());
  view.rebuildRows();
}

const wrapping = () => state.wrap ?? NARROW.matches;

function setWrap(on) {
  // The screen's default is left out of the address, so a link wraps as suits the screen it is opened on.
  state.wrap = on === NARROW.matches ? null : on;
  saveState(state);
  showWrap();
}

function showWrap() {
  const on = wrapping();
  toggle('wrap', on);
  $('log').classList.toggle('wrap', on);
  view.setWrap(on);
  view.rebuildRows();
}

function setMatchCase(on) {
  state.matchCase = on;
  toggle('case', on);
  applyFilter();
}

function setServerGrep(on) {
  state.serverGrep = on;
  toggle('server-grep', on);
  applyFilter();
  stream.setLevel(serverLevel());
}

function setMaxLines(value) {
  const max = clampMax(Number(value) || state.maxLines);
  state.maxLines = store.maxLines = max;
  $('max-lines').value = String(max);
  saveState(state);
  scrollback.trim();
  schedule();
}

function clearLines() {
  if (scrollback.detached) return startStream();
  store.clear();
  pending = [];
  scrollback.reset();
  view.setItems([]);
  view.jumpToLatest();
}

// Back to the live tail: scrolled to it, or, when the rows end before it, the stream started afresh.
function backToLive() {
  if (scrollback.detached) startStream();
  else view.jumpToLatest();
  scrollback.extended = false;
  showFollowing(view.following, 0);
}

// Home: the first line of the run picked, or of the one source shown (the oldest its history still holds).
async function toStart() {
  const names = selectedNames();
  if (names.length !== 1) return setText('link-status', 'Going to the start needs one source: pick one.');
  const source = names[0];
  if (runs.source === source && runs.range && runs.range.first !== Number.MAX_SAFE_INTEGER) {
    const { first, last } = runs.range;
    return goTo({ source, seq: last !== null && last <= first + 1 ? first : first + 1 });
  }
  // A page holds notices apart from lines: enough records that a few notices at the start do not hide the first line.
  const first = (await scrollback.fetchPage(source, { after: 0, limit: 100 }, false))?.lines[0];
  if (first) goTo({ source, seq: first.seq });
}

// Go to: a line number (the source's sequence number) or a time, in the one source shown.
$('goto').addEventListener('submit', (e) => {
  e.preventDefault();
  const names = selectedNames();
  const target = parseGoto($('goto-q').value);
  if (target.error) return setText('link-status', target.error);
  if (names.length !== 1) return setText('link-status', 'Go to needs one source: pick one.');
  goTo({ source: names[0], ...target }).then((shown) => { if (shown) $('log').focus(); });
});

$('filter').value = state.filter;
$('filter').addEventListener('input', (e) => {
  state.filter = e.target.value;
  applyFilter();
});
$('case').addEventListener('click', () => setMatchCase(!state.matchCase));
$('server-grep').addEventListener('click', () => setServerGrep(!state.serverGrep));
$('pause').addEventListener('click', () => setPaused(!paused));
$('timestamps').addEventListener('click', () => setTimestamps(!state.timestamps));
$('wrap').addEventListener('click', () => setWrap(!wrapping()));
NARROW.addEventListener('change', showWrap);
foldBar(document.querySelector('.bar'), $('menu'));
$('clear').addEventListener('click', clearLines);
$('download').addEventListener('click', () => downloadLines(store.entries, { showSource: rowContext.showSource, timestamps: rowContext.timestamps }));
$('download-more').addEventListener('click', () => toggleDownloadMenu($('download-menu').hidden));
$('download-filtered').addEventListener('click', () => {
  toggleDownloadMenu(false);
  downloadLines(view.items, { showSource: rowContext.showSource, timestamps: rowContext.timestamps });
});
$('download-source').addEventListener('click', () => {
  toggleDownloadMenu(false);
  const names = selectedNames();
  if (names.length !== 1) return setText('link-status', 'Downloading a whole source needs one source: pick one.');
  downloadFrom(names[0], null, (text) => setText('link-status', text));
});
$('download-run').addEventListener('click', () => {
  toggleDownloadMenu(false);
  if (runs.source && runs.picked !== null) downloadFrom(runs.source, runs.picked, (text) => setText('link-status', text));
});

function toggleDownloadMenu(open) {
  const picked = runs.source && runs.range ? runs.picked : null;
  $('download-run').hidden = picked === null;
  $('download-run').textContent = picked === null ? 'This run' : `Run #${picked} (from the server)`;
  $('download-menu').hidden = !open;
  $('download-more').setAttribute('aria-expanded', String(open));
}
$('max-lines').value = String(state.maxLines);
$('max-lines').addEventListener('change', (e) => setMaxLines(e.target.value));
$('jump').addEventListener('click', () => {
  backToLive();
  $('log').focus();
});
$('connection').addEventListener('click', () => stream.reconnect());

// Keyboard: / filter, Esc leaves it, p pause, t timestamps, w wrap, End latest. Not while typing.
document.addEventListener('keydown', (e) => {
  const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
  if (e.key === 'Escape' && e.target === $('filter')) {
    $('filter').blur();
    $('log').focus();
    return;
  }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  const actions = {
    '/': () => $('filter').focus(),
    g: () => $('goto-q').focus(),
    s: () => search.open(state.filter),
    p: () => setPaused(!paused),
    t: () => setTimestamps(!state.timestamps),
    w: () => setWrap(!wrapping()),
    Home: toStart,
    End: backToLive,
  };
  const action = actions[e.key];
  if (action) {
    e.preventDefault();
    action();
  }
});

setFilter();
toggle('case', state.matchCase);
toggle('server-grep', state.serverGrep);
toggle('timestamps', state.timestamps);
showWrap();
showFilterError();
showFollowing(true, 0);
loadSources();

// A handle for the browser console (and the browser tests): drop and restore the connection by hand.
window.tailhub = Object.freeze({
  disconnect: () => stream.disconnect(),
  reconnect: () => stream.reconnect(),
  get lastEventId() { return stream.lastId; },
  get connection() { return stream.state; },
});
