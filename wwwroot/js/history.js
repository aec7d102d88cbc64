// Scroll-back and go-to over one source's history (the server's /api/sources/{name}/lines), around the live tail.
//
// The store holds one stretch of the source's sequence without a hole. Scrolling near its top fetches the page before
// it (before=its first sequence number) and puts it above, the rows on screen staying put; up to the start of the
// source, shown by a "start" marker. While scrolled back the store may grow to BOUND_FACTOR × maxLines; past that the
// end far from the viewport is dropped. Once the newest end is dropped the view is "detached" from the live tail:
// lines the stream delivers meanwhile are held aside (bounded), scrolling down fetches the pages after the store's last
// sequence number, and when those meet the lines held aside (or the source's end) the view is live again.
//
// History is read per source: with several sources shown it would need each source's pages merged by time; instead
// the view says that scrolling back needs one source, and a go-to (a link, a search hit) shows the one source it names.

import { authFetch } from './auth.js';
import { problemDetail } from './problem.js';
import { describeNotice } from './markers.js';

const PAGE_LINES = 500;
const BOUND_FACTOR = 3;
// Older (or newer) lines are fetched once fewer than this many screens of rows are left above (below) the viewport.
const AHEAD_SCREENS = 2;
// A go-to shows this many lines before the line, and up to maxLines (at most a server page) from there on.
const GOTO_BEFORE = 50;
const MAX_GOTO_LINES = 10000;
// Records asked for per step of the search for a time (enough to find a line past a few notices).
const BISECT_LINES = 20;

export class History {
  /**
   * store: the LineStore; view: the LogView; scope() → { source: the one source shown (null with several), run: the
   * run picked or null }; admit(entries) → Promise of those entries the view shows (the filter's verdict);
   * enqueue(entries): live entries to ingest as if just delivered; dropPending(): forget live entries not ingested yet;
   * reveal(entry): scroll to an entry and mark it; say(text): a short status message; status: the element whose
   * data-history tells what the history is doing ('idle' | 'loading' | 'start' | 'detached').
   */
  constructor({ store, view, scope, admit, enqueue, dropPending, reveal, say, status }) {
    Object.assign(this, { store, view, scope, admit, enqueue, dropPending, reveal, say, status });
    this.detached = false;
    this.reset();
  }

  /** A new stream, selection or clear: what was loaded or held aside belongs to the old one. */
  reset() {
    this.gen = (this.gen ?? 0) + 1;
    this.loading = false;
    this.extended = false;
    this.held = [];
    this.heldOverflowed = false;
    this.highWater = 0;
    this.setDetached(false);
  }

  setDetached(on) {
    const changed = on !== this.detached;
    this.detached = on;
    this.view.detached = on;
    this.showStatus();
    if (changed) this.view.onStatus(this.view.following, this.view.newCount);
  }

  showStatus() {
    const state = this.loading ? 'loading' : this.atStart() ? 'start' : this.detached ? 'detached' : 'idle';
    this.status.dataset.history = state;
  }

  atStart() {
    return this.store.entries[0]?.marker === 'start';
  }

  /** Whether a live entry from the stream goes into the store now (false: held aside, or already there). */
  accept(entry) {
    if (!this.scope().source) return true;
    if (this.detached) {
      this.held.push(entry);
      // Trimmed in bulk, not line by line: a busy source delivers many while the view is away.
      if (this.held.length > 2 * this.store.maxLines) {
        this.held.splice(0, this.held.length - this.store.maxLines);
        this.heldOverflowed = true;
      }
      return false;
    }
    return !(this.highWater > 0 && entry.seq <= this.highWater);
  }

  /** The view's edges (LogView onEdge): loads what is about to be scrolled to. */
  edge(above, below) {
    if (this.loading) return;
    const ahead = this.view.scroller.clientHeight * AHEAD_SCREENS;
    if (above < ahead && !this.atStart() && this.store.entries.length > 0) {
      if (this.scope().source) this.older();
      else this.say('Scrolling back into history needs one source: pick one.');
    } else if (this.detached && below < ahead) {
      this.newer();
    }
  }

  firstSeq() {
    const first = this.store.entries.find((e) => e.marker !== 'start');
    return first ? first.from ?? first.seq : 0;
  }

  lastSeq() {
    const entries = this.store.entries;
    return entries.length > 0 ? entries[entries.length - 1].seq : 0;
  }

  /** The page before the first entry held, put above it. */
  older() {
    const before = this.firstSeq();
    if (before <= 1 && before !== 0) return this.load(async (source) => this.markStart(source, before));
    return this.load(async (source, gen) => {
      const page = await this.fetchPage(source, { before, limit: PAGE_LINES }, true);
      if (!page || gen !== this.gen || this.firstSeq() !== before) return;
      const entries = toEntries(source, page).filter((e) => e.seq < before);
      if (page.previous === null) entries.unshift(this.startMarker(source));
      const passing = await this.admit(entries);
      if (gen !== this.gen || this.firstSeq() !== before) return;
      this.store.prepend(entries);
      this.view.prepend(passing);
      if (!this.extended) {
        this.extended = true;
        this.view.onStatus(this.view.following, this.view.newCount);
      }
      this.trim();
    });
  }

  // The first line held is the source's first: only the marker is missing.
  async markStart(source, before) {
    if (this.firstSeq() !== before || this.atStart()) return;
    const marker = this.startMarker(source);
    this.store.prepend([marker]);
    this.view.prepend(await this.admit([marker]));
  }

  /** The page after the last entry held, put below it; live again once it meets the live tail. */
  newer() {
    const after = this.lastSeq();
    return this.load(async (source, gen) => {
      const page = await this.fetchPage(source, { after, limit: PAGE_LINES }, true);
      if (!page || gen !== this.gen || this.lastSeq() !== after) return;
      const entries = toEntries(source, page).filter((e) => e.seq > after);
      const passing = await this.admit(entries);
      if (gen !== this.gen || this.lastSeq() !== after) return;
      for (const e of entries) this.store.add(e);
      this.view.appendQuietly(passing);
      this.rejoinIfMet(page.atEnd);
      this.trim();
    });
  }

  /** Live again when the lines held aside continue the store, or the server had nothing newer. */
  rejoinIfMet(atEnd) {
    const last = this.lastSeq();
    const met = this.held.length > 0 ? this.held[0].seq <= last + 1 || (atEnd && !this.heldOverflowed) : atEnd;
    if (!met) return;
    const rest = this.held.filter((e) => e.seq > last);
    this.held = [];
    this.heldOverflowed = false;
    this.highWater = last;
    this.setDetached(false);
    this.enqueue(rest);
  }

  /** Keeps the store within its bound: maxLines when following, more while scrolled back (the far end dropped). */
  trim() {
    const { store, view } = this;
    const max = store.maxLines;
    if (view.following && !this.detached) this.extended = false;
    if (!this.extended) {
      view.dropBefore(store.trim(max));
      return;
    }
    const bound = max * BOUND_FACTOR;
    if (store.entries.length <= bound) return;
    const centre = view.centreItem();
    const at = centre ? indexOfId(store.entries, centre.id) : store.entries.length - 1;
    if (at < store.entries.length / 2) {
      if (!this.detached) {
        this.held = [];
        this.heldOverflowed = false;
        this.dropPending();
        this.setDetached(true);
      }
      view.dropAfter(store.trimEnd(bound));
    } else {
      view.dropBefore(store.trim(bound));
    }
    this.showStatus();
  }

  /**
   * Shows a line of the source shown: { source, seq, epoch? } or { source, time } (a Date). If it is held it is
   * revealed; otherwise a window of history around it replaces what is held. The view stops following.
   */
  async goto(target) {
    if (target.time) {
      const seq = await this.seqAt(target.source, target.time);
      if (seq === null) return false;
      target = { source: target.source, seq };
    }
    const held = this.store.entries.find((e) => !e.marker && e.source === target.source && e.seq === target.seq);
    if (held) {
      this.reveal(held);
      return true;
    }
    this.gen++;
    const gen = this.gen;
    // Live lines arriving meanwhile are held aside: the window may end before them.
    this.held = [];
    this.heldOverflowed = false;
    this.setDetached(true);
    this.loading = true;
    this.showStatus();
    try {
      const from = Math.max(1, target.seq - GOTO_BEFORE);
      const limit = Math.min(MAX_GOTO_LINES, Math.max(this.store.maxLines, GOTO_BEFORE * 2));
      const query = { from, to: from + limit - 1 };
      if (target.epoch) query.epoch = target.epoch;
      const page = await this.fetchPage(target.source, query, false, target);
      if (!page || gen !== this.gen) return false;
      const entries = toEntries(target.source, page);
      if (page.previous === null) entries.unshift(this.startMarker(target.source));
      const passing = await this.admit(entries);
      if (gen !== this.gen) return false;
      this.dropPending();
      this.store.clear();
      for (const e of entries) this.store.add(e);
      this.view.setItems(passing);
      this.extended = true;
      const entry = entries.find((e) => !e.marker && e.seq >= target.seq);
      this.rejoinIfMet(page.atEnd);
      if (!entry) {
        this.say(`${target.source} has no line ${target.seq.toLocaleString('en')}.`);
        return false;
      }
      if (entry.seq !== target.seq) this.say(`Line ${target.seq.toLocaleString('en')} is gone; showing the next one.`);
      this.reveal(entry);
      return true;
    } finally {
      if (gen === this.gen) {
        this.loading = false;
        this.showStatus();
      }
    }
  }

  /**
   * The first line read at or after a time, or null (said why). The server's since= answers from its index, to within
   * the stretch the time falls in: below that answer the line is found by bisection (read times only grow along the
   * sequence), a few small pages each.
   */
  async seqAt(source, time) {
    const ms = time.getTime();
    const near = await this.fetchPage(source, { since: time.toISOString(), limit: 1 }, false);
    if (!near) return null;
    let best = near.lines[0]?.ts >= ms ? near.lines[0].seq : null;
    let lo = 1;
    let hi = (near.first ?? near.next.after) - 1;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const page = await this.fetchPage(source, { from: mid, limit: BISECT_LINES }, false);
      if (!page) return null;
      const line = page.lines[0];
      if (!line || line.seq > hi) hi = mid - 1;
      else if (line.ts >= ms) {
        best = line.seq;
        hi = mid - 1;
      } else lo = line.seq + 1;
    }
    if (best === null) this.say(`${source} has no line at or after ${time.toLocaleString()}.`);
    return best;
  }

  // Runs one load at a time, for the source shown; a reset meanwhile makes its result moot.
  async load(work) {
    const source = this.scope().source;
    if (!source || this.loading) return;
    this.loading = true;
    this.showStatus();
    const gen = this.gen;
    try {
      await work(source, gen);
    } finally {
      if (gen === this.gen) {
        this.loading = false;
        this.showStatus();
        this.view.schedule();
      }
    }
  }

  /** A page of the source's history, or null (said why). withRun: bounded to the run picked. */
  async fetchPage(source, query, withRun, target = null) {
    const q = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    const { run } = this.scope();
    if (withRun && run !== null && run !== undefined) q.set('run', String(run));
    let response;
    try {
      response = await authFetch(`api/sources/${encodeURIComponent(source)}/lines?${q}`, { headers: { Accept: 'application/json' } });
    } catch (e) {
      this.say(`History could not be read (${e.message}).`);
      return null;
    }
    if (response.ok) return response.json();
    if (response.status === 409 && target) {
      this.say(`The linked line (${target.source} #${target.seq}) is no longer held: ${target.source} has been numbered afresh since.`);
    } else {
      this.say(`History could not be read: ${await problemDetail(response)}`);
    }
    return null;
  }

  startMarker(source) {
    const { run } = this.scope();
    const text = run !== null && run !== undefined ? `Start of run #${run} of ${source}` : `Start of ${source}`;
    return { source, seq: 0, ts: 0, text, marker: 'start' };
  }
}

/** A line object (the stream's and a page's alike) as a store entry. */
export const lineEntry = (source, l) => ({
  source, seq: l.seq, ts: l.ts, text: l.text, marker: '', stream: l.stream, level: l.level ?? '', kind: l.kind, at: l.at,
});

/** A page's lines, notices and gaps as store entries, in sequence order. */
export function toEntries(source, page) {
  const out = page.lines.map((l) => lineEntry(source, l));
  for (const n of page.notices) {
    const type = n.kind === 'rotated' || n.kind === 'truncated' ? n.kind : 'status';
    out.push({ source, seq: n.seq, ts: n.ts, text: describeNotice(type, n, false), marker: type });
  }
  for (const g of page.gaps) {
    const gap = { ...g, source };
    out.push({ source, seq: g.to, from: g.from, ts: 0, text: describeNotice('gap', gap, false), marker: 'gap' });
  }
  if (page.notices.length > 0 || page.gaps.length > 0) out.sort((a, b) => a.seq - b.seq);
  return out;
}

function indexOfId(entries, id) {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
