// Search over the whole history of the sources shown (the server's /api/sources/{name}/search, NDJSON), not only the
// lines held: hits are listed as the server finds them, each with its context, in the order of the log, so the first
// hit is the first occurrence. Choosing a hit asks the page to show that line in place (the `tailhub:goto` event),
// scrolling back into history as far as it takes. The pattern language is the filter's: text, or /regex/.

import { authFetch } from './auth.js';
import { problemDetail } from './problem.js';
import { compileFilter } from './filter.js';
import { formatTime, plainOf } from './render.js';

// Hits asked for per request; "More" continues from the server's cursor.
const HITS_PER_REQUEST = 100;
const CONTEXT_LINES = 2;

const ENDINGS = {
  limit: 'More hits follow.',
  time: 'The search stopped at the time one search may take.',
  cancelled: 'The search was stopped.',
};

export class SearchPanel {
  /**
   * panel: the #search section; scope() → { names: the sources to search, run: the run picked (a number) or null,
   * lastSeqOf(name) → the source's last sequence number, for progress }.
   */
  constructor(panel, { scope }) {
    this.panel = panel;
    this.scope = scope;
    this.input = panel.querySelector('#search-q');
    this.caseButton = panel.querySelector('#search-case');
    this.status = panel.querySelector('#search-status');
    this.list = panel.querySelector('#search-hits');
    this.more = panel.querySelector('#search-more');
    this.matchCase = false;
    this.abort = null;
    this.continuations = [];
    this.hits = 0;
    panel.querySelector('form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.search();
    });
    this.caseButton.addEventListener('click', () => {
      this.matchCase = !this.matchCase;
      this.caseButton.setAttribute('aria-pressed', String(this.matchCase));
    });
    panel.querySelector('#search-close').addEventListener('click', () => this.close());
    this.more.addEventListener('click', () => this.continueSearch());
    panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
  }

  /** Opens the panel with the cursor in its box; `text` (the filter's, say) fills an empty box. */
  open(text = '') {
    this.panel.hidden = false;
    if (!this.input.value && text) this.input.value = text;
    this.input.focus();
    this.input.select();
  }

  close() {
    this.stop();
    this.panel.hidden = true;
    document.getElementById('log')?.focus();
  }

  stop() {
    this.abort?.abort();
    this.abort = null;
  }

  /** A new search from the start of the history of every source shown. */
  async search() {
    this.stop();
    this.list.replaceChildren();
    this.more.hidden = true;
    this.hits = 0;
    const compiled = compileFilter(this.input.value, this.matchCase);
    if (!compiled.active) return this.say('Type text, or a /regex/, to search for.');
    if (compiled.error) return this.say(`Not a valid regular expression: ${compiled.error}`, true);
    const { names, run } = this.scope();
    this.pattern = compiled;
    this.run = run;
    this.multiple = names.length > 1;
    this.continuations = names.map((name) => ({ name, after: null }));
    await this.continueSearch();
  }

  /** Runs the searches still to do, one source after another, each from where it stopped. */
  async continueSearch() {
    this.stop();
    this.more.hidden = true;
    const abort = new AbortController();
    this.abort = abort;
    const todo = this.continuations;
    this.continuations = [];
    for (let i = 0; i < todo.length; i++) {
      const outcome = await this.searchSource(todo[i], abort.signal);
      if (abort.signal.aborted) return;
      if (outcome.error) return this.say(outcome.error, true);
      if (outcome.next !== null) {
        // This source has more: it continues with "More", before the sources not searched yet.
        this.continuations = [{ name: todo[i].name, after: outcome.next }, ...todo.slice(i + 1)];
        break;
      }
    }
    this.abort = null;
    this.more.hidden = this.continuations.length === 0;
    const found = this.hits === 0 ? 'No line matches' : `${this.hits} ${this.hits === 1 ? 'hit' : 'hits'}`;
    const where = this.run !== null ? ` in run #${this.run}` : '';
    this.say(`${found}${where}.${this.continuations.length > 0 ? ` ${ENDINGS[this.lastReason] ?? ENDINGS.limit} Choose More to go on.` : ''}`);
  }

  /** One request: lists its hits as they come; → { next: the cursor to go on from, or null; error }. */
  async searchSource({ name, after }, signal) {
    const query = new URLSearchParams({ q: this.pattern.serverPattern, limit: String(HITS_PER_REQUEST), context: String(CONTEXT_LINES) });
    if (after !== null) query.set('after', String(after));
    if (this.run !== null) query.set('run', String(this.run));
    const last = this.scope().lastSeqOf(name);
    this.say(`Searching ${name}…`);
    let response;
    try {
      response = await authFetch(`api/sources/${encodeURIComponent(name)}/search?${query}`, { headers: { Accept: 'application/x-ndjson' }, signal });
    } catch (e) {
      if (signal.aborted) return { next: null };
      return { next: null, error: `The search could not reach TailHub (${e.message}).` };
    }
    if (!response.ok) return { next: null, error: await problemDetail(response) };
    let next = null;
    try {
      for await (const record of ndjson(response.body, signal)) {
        if (record.type === 'hit') this.addHit(name, record);
        else if (record.type === 'progress') this.say(`Searching ${name}: line ${record.scannedTo.toLocaleString('en')}${last ? ` of ${last.toLocaleString('en')}` : ''} · ${this.hits} found`);
        else if (record.type === 'end') {
          if (record.error) return { next: null, error: record.error };
          this.lastReason = record.reason;
          next = record.next ? record.next.after : null;
        }
      }
    } catch (e) {
      if (signal.aborted) return { next: null };
      return { next: null, error: `The search was cut off (${e.message}).` };
    }
    return { next };
  }

  addHit(source, hit) {
    this.hits++;
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'hit';
    button.dataset.source = source;
    button.dataset.seq = String(hit.seq);
    const meta = document.createElement('span');
    meta.className = 'hit-meta';
    meta.textContent = `${this.multiple ? `${source} · ` : ''}line ${hit.seq} · ${formatTime(hit.ts)}`;
    button.append(meta);
    for (const line of hit.before) button.append(contextLine(line));
    button.append(this.hitLine(hit));
    for (const line of hit.after) button.append(contextLine(line));
    button.addEventListener('click', () => {
      this.list.querySelector('.hit.chosen')?.classList.remove('chosen');
      button.classList.add('chosen');
      document.dispatchEvent(new CustomEvent('tailhub:goto', { detail: { source, seq: hit.seq } }));
    });
    item.append(button);
    this.list.append(item);
  }

  // The hit's text, with what matched marked for a text search. A /regex/ is not run on the page's thread (it could
  // backtrack for seconds; the filter runs them in a worker for that reason): its hit is shown unmarked.
  hitLine(hit) {
    const line = document.createElement('span');
    line.className = 'hit-line';
    const text = plainOf({ text: hit.text });
    const ranges = this.pattern.mode === 'text' ? this.pattern.ranges(text) : [];
    let at = 0;
    for (const [start, end] of ranges) {
      line.append(text.slice(at, start));
      const mark = document.createElement('mark');
      mark.textContent = text.slice(start, end);
      line.append(mark);
      at = end;
    }
    line.append(text.slice(at));
    return line;
  }

  say(text, error = false) {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }
}

function contextLine(line) {
  const span = document.createElement('span');
  span.className = 'hit-context';
  span.textContent = plainOf({ text: line.text ?? '' });
  return span;
}

/** The records of an NDJSON body, as they arrive. */
async function* ndjson(body, signal) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true });
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) yield JSON.parse(line);
    }
  }
  if (buffer.trim()) yield JSON.parse(buffer);
}
