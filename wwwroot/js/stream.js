// The live connection: one EventSource on /api/stream, its reconnects, and exactly-once delivery.
//
// EventSource reconnects by itself after a dropped connection, sending Last-Event-ID, and the server resumes from
// there. It gives up for good on an HTTP error; then we ask the server why (a problem+json detail is shown as an
// error) or, if it is unreachable, retry with backoff, resuming from the last id we saw. Each source's last
// sequence number is remembered so a replayed record is never shown twice.

import { hasKey, streamToken } from './auth.js';

const NOTICE_EVENTS = ['gap', 'rotated', 'truncated', 'status'];
const OFFLINE_AFTER_MS = 4000;
const MAX_BACKOFF_MS = 30000;

export class LogStream {
  /**
   * handlers: lines(source, lines), notice(type, data), state(state, detail, refusal)
   * where state is 'connecting' | 'live' | 'reconnecting' | 'offline' | 'error', and refusal, when the server
   * refused the stream or could not be reached, is { status, title, detail, parameter?, retryIn? } (status 0: unreachable).
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.es = null;
    this.query = null;
    this.lastId = '';
    this.lastSeq = new Map();
    this.state = 'idle';
    this.troubleSince = 0;
    this.backoff = 1000;
    this.retryTimer = 0;
    this.probe = null;
    addEventListener('online', () => { if (this.state === 'offline') this.reconnect(); });
  }

  /** Starts a new stream (new selection): forgets every position, so the server sends its backlog (or resumes from `from`). */
  start({ names, all, grep, level, backlog, from }) {
    this.query = { names, all, grep, level, backlog };
    this.lastId = from ?? '';
    this.lastSeq.clear();
    this.open();
  }

  /** Same stream with a different server-side grep, resuming where it left off. */
  setGrep(grep) {
    if (!this.query || this.query.grep === grep) return;
    this.query.grep = grep;
    this.reconnect();
  }

  /** Same stream with a different server-side level= (that level and above), resuming where it left off. */
  setLevel(level) {
    if (!this.query || this.query.level === level) return;
    this.query.level = level;
    this.reconnect();
  }

  /** Closes the connection and opens it again from the last event id: what a manual reconnect does. */
  reconnect() {
    if (this.query) this.open();
  }

  /** Closes the connection without reopening it (the connection badge offers to reconnect). */
  disconnect() {
    this.close();
    this.setState('offline', 'disconnected');
  }

  close() {
    clearTimeout(this.retryTimer);
    this.probe?.abort();
    this.probe = null;
    if (this.es) {
      this.es.close();
      this.es = null;
    }
  }

  url(token = '') {
    const { names, all, grep, level, backlog } = this.query;
    const q = new URLSearchParams();
    q.set('sources', all ? 'all' : names.join(','));
    if (backlog !== null && backlog !== undefined) q.set('backlog', String(backlog));
    if (grep) q.set('grep', grep);
    if (level) q.set('level', level);
    if (this.lastId) q.set('lastEventId', this.lastId);
    if (token) q.set('token', token);
    return `api/stream?${q}`;
  }

  async open() {
    this.close();
    let token = '';
    if (hasKey()) {
      // A fresh token per connection: one that expired is what makes a reconnect fail with 401.
      const attempt = this.attempt = (this.attempt ?? 0) + 1;
      try {
        token = await streamToken(this.query.all ? [] : this.query.names);
      } catch (e) {
        this.retryLater(e.message);
        return;
      }
      if (attempt !== this.attempt) return;
    }
    const es = new EventSource(this.url(token));
    this.es = es;
    this.setState(this.lastId ? 'reconnecting' : 'connecting');
    es.onopen = () => {
      this.backoff = 1000;
      this.troubleSince = 0;
      this.setState('live');
    };
    es.onerror = () => {
      if (es !== this.es) return;
      if (es.readyState === EventSource.CLOSED) {
        this.diagnose(es.url);
        return;
      }
      // The browser is retrying by itself; after a while without success call it offline.
      this.troubleSince ||= Date.now();
      this.setState(Date.now() - this.troubleSince > OFFLINE_AFTER_MS ? 'offline' : 'reconnecting');
    };
    const onLines = (e) => this.onLines(e);
    for (const name of this.query.names) es.addEventListener(name, onLines);
    for (const type of NOTICE_EVENTS) es.addEventListener(type, (e) => this.onNotice(type, e));
  }

  /** The epoch of a source's sequence, from the last event id ('' before any event of the source). */
  epochOf(source) {
    for (const part of this.lastId.split(',')) {
      const eq = part.lastIndexOf('=');
      const at = eq < 0 ? -1 : part.lastIndexOf('@', eq);
      if (at > 0 && part.slice(0, at) === source) return part.slice(at + 1, eq);
    }
    return '';
  }

  onLines(e) {
    if (e.lastEventId) this.lastId = e.lastEventId;
    const data = JSON.parse(e.data);
    const last = this.lastSeq.get(data.source) ?? 0;
    let lines = data.lines;
    if (lines.length > 0 && lines[0].seq <= last) lines = lines.filter((l) => l.seq > last);
    if (lines.length === 0) return;
    this.lastSeq.set(data.source, lines[lines.length - 1].seq);
    this.handlers.lines(data.source, lines);
  }

  onNotice(type, e) {
    if (e.lastEventId) this.lastId = e.lastEventId;
    const data = JSON.parse(e.data);
    const last = this.lastSeq.get(data.source) ?? 0;
    if (type === 'gap') {
      if (data.reason === 'server-restarted') {
        // A new run of the server numbers from 1 again.
        this.lastSeq.set(data.source, 0);
      } else {
        if (data.to <= last) return;
        this.lastSeq.set(data.source, data.to);
      }
    } else {
      if (data.seq <= last) return;
      this.lastSeq.set(data.source, data.seq);
    }
    this.handlers.notice(type, data);
  }

  // EventSource has closed for good: find out whether the server refused us (show why) or could not be reached (retry).
  async diagnose(url) {
    this.es = null;
    const probe = new AbortController();
    this.probe = probe;
    try {
      const response = await fetch(url, { headers: { Accept: 'text/event-stream' }, signal: probe.signal });
      if (response.ok) {
        probe.abort();
        this.open();
        return;
      }
      if (response.status === 401 && hasKey()) {
        this.open();
        return;
      }
      const refusal = await readRefusal(response);
      // Too many streams, or a server busy or failing: those pass; anything else needs the request changed.
      if (response.status === 429 || response.status >= 500) {
        this.retryLater(refusal.detail, refusal, Number(response.headers.get('Retry-After')) || 0);
        return;
      }
      this.setState('error', refusal.detail, refusal);
    } catch (e) {
      if (probe.signal.aborted && this.probe !== probe) return;
      this.retryLater('server unreachable', { status: 0, title: 'TailHub cannot be reached', detail: 'The server did not answer.' });
    }
  }

  /** Tries again after the backoff, or after retryAfterSeconds if the server asked for longer. */
  retryLater(why, refusal = null, retryAfterSeconds = 0) {
    const delay = Math.max(this.backoff, retryAfterSeconds * 1000);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    const retryIn = Math.round(delay / 1000);
    this.setState('offline', `${why}; retrying in ${retryIn} s`, refusal && { ...refusal, retryIn });
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  setState(state, detail = '', refusal = null) {
    this.state = state;
    this.handlers.state(state, detail, refusal);
  }
}

/** What a refusal's problem+json says: { status, title, detail, parameter? }. */
async function readRefusal(response) {
  const status = response.status;
  try {
    const problem = await response.json();
    return { status, title: problem.title || `HTTP ${status}`, detail: problem.detail || problem.title || `HTTP ${status}`, parameter: problem.parameter };
  } catch {
    return { status, title: `HTTP ${status}`, detail: `The server answered HTTP ${status}.` };
  }
}
