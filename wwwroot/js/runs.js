// Runs of command and ssh sources, and builds of jenkins sources: a picker (latest by default, following each new
// run; every run's state and result shown), Start/Cancel for operators of command and ssh sources (hidden once the
// server answers 403; Jenkins builds are triggered with the trigger controls instead), and which lines belong to the
// run picked. Picking a run replays the stream from where that run starts, so its lines come back from the server's
// spool however long ago it ran.

import { authFetch } from './auth.js';
import { problemDetail } from './problem.js';

const RUN_KINDS = new Set(['command', 'ssh', 'jenkins']);
// Runs TailHub itself starts and stops.
const STARTABLE_KINDS = new Set(['command', 'ssh']);

/** "#3 failed (exit 2)", "#4 running", "#12 not built". */
export function describeRun(run) {
  let result = '';
  if (run.signal) result = ` (${run.signal})`;
  else if (run.exitCode !== null && run.exitCode !== undefined && run.state !== 'succeeded') result = ` (exit ${run.exitCode})`;
  return `#${run.number} ${run.state.replaceAll('-', ' ')}${result}`;
}

const isActive = (run) => run.state === 'running' || run.state === 'queued';

export class RunPanel {
  /**
   * container: the element to fill; onPick({ cursor, first, last }): the stream should restart from cursor (null: as
   * usual) and show only records first..last (last null: no end yet). maxLines(): how many lines the page keeps.
   */
  constructor(container, { onPick, maxLines }) {
    this.container = container;
    this.onPick = onPick;
    this.maxLines = maxLines;
    this.source = null;
    this.runs = [];
    this.picked = null;
    this.following = true;
    this.range = null;
    this.denied = false;
    this.refreshing = null;
    this.refreshAgain = false;
    this.build();
  }

  build() {
    const label = document.createElement('label');
    label.className = 'run-label';
    label.textContent = 'Run ';
    this.select = document.createElement('select');
    this.select.id = 'run-picker';
    this.select.addEventListener('change', () => this.pick(Number(this.select.value), this.select.selectedIndex === 0));
    label.append(this.select);
    this.state = document.createElement('span');
    this.state.id = 'run-state';
    this.state.className = 'run-state';
    this.start = button('run-start', 'Start run', () => this.startRun());
    this.cancel = button('run-cancel', 'Cancel run', () => this.cancelRun());
    this.message = document.createElement('span');
    this.message.id = 'run-message';
    this.message.className = 'run-message';
    this.message.setAttribute('role', 'status');
    this.container.replaceChildren(label, this.state, this.start, this.cancel, this.message);
  }

  /** The sources the view shows: the panel is there when that is one source with runs. */
  setSources(list, names) {
    const only = names.length === 1 ? list.find((s) => s.name === names[0]) : null;
    const source = only && (RUN_KINDS.has(only.type) || only.run) ? only : null;
    this.sourceInfo = source;
    if (source?.name === this.source) return;
    this.source = source?.name ?? null;
    this.container.hidden = !source;
    this.runs = [];
    this.picked = null;
    this.following = true;
    this.range = null;
    if (source) this.refresh();
  }

  /** A run notice arrived for the shown source: the list changed. */
  notice(data) {
    if (data.source === this.source) this.refresh();
  }

  /**
   * Picks the run holding record `seq` of the source shown, once the runs are known, and stops following new runs:
   * a line asked for (a link, a search hit, Go to) is then inside the run shown. False when no run holds it.
   */
  async pickRunOf(seq) {
    if (!this.source) return false;
    await this.refresh();
    const run = this.runs.find((r) => r.firstSeq != null && seq >= r.firstSeq && (r.lastSeq == null || seq <= r.lastSeq));
    if (!run) return false;
    if (run.number !== this.picked) this.pick(run.number, false);
    else this.following = false;
    return true;
  }

  /** Whether an entry belongs to the run picked (every entry when none is). */
  includes(entry) {
    if (!this.range || entry.source !== this.source) return true;
    return entry.seq >= this.range.first && (this.range.last === null || entry.seq <= this.range.last);
  }

  // A refresh asked for while one is in flight runs again after it: the answer in flight may predate the change
  // (a run notice arriving while the list is being fetched would otherwise be lost).
  async refresh() {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          const source = this.source;
          const response = await authFetch(`api/sources/${encodeURIComponent(source)}/runs`, { headers: { Accept: 'application/json' } });
          if (!response.ok || source !== this.source) continue;
          this.runs = (await response.json()).runs;
          this.show();
        } while (this.refreshAgain);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  show() {
    const newest = this.runs[this.runs.length - 1];
    const options = [...this.runs].reverse().map((run) => {
      const option = document.createElement('option');
      option.value = String(run.number);
      option.textContent = describeRun(run);
      option.dataset.state = run.state;
      return option;
    });
    if (options.length === 0) {
      const none = document.createElement('option');
      none.textContent = 'no runs yet';
      none.value = '';
      options.push(none);
    }
    this.select.replaceChildren(...options);
    this.select.disabled = this.runs.length === 0;
    if (this.following && newest && newest.number !== this.picked) return this.pick(newest.number, true);
    const run = this.current();
    // A run picked before its first record was numbered (queued, or listed as it started): pick it again now
    // that its start is known, or its lines would stay hidden.
    if (run && run.firstSeq != null && this.range?.first === Number.MAX_SAFE_INTEGER) return this.pick(run.number, this.following);
    if (this.picked !== null) this.select.value = String(this.picked);
    this.state.textContent = run ? describeRun(run) : '';
    this.state.dataset.state = run?.state ?? '';
    if (run && this.range && this.range.last === null && run.lastSeq) this.range.last = run.lastSeq;
    this.start.hidden = this.cancel.hidden = this.denied || !STARTABLE_KINDS.has(this.sourceInfo?.type);
    this.cancel.disabled = !run || !isActive(run);
  }

  current() {
    return this.runs.find((r) => r.number === this.picked) ?? null;
  }

  /** Shows run `number`; `follow`: keep moving to each new run. */
  pick(number, follow) {
    const run = this.runs.find((r) => r.number === number);
    if (!run) return;
    this.picked = number;
    this.following = follow;
    this.select.value = String(number);
    const first = run.firstSeq ?? Number.MAX_SAFE_INTEGER;
    const last = run.lastSeq ?? null;
    this.range = { first, last };
    this.onPick({ cursor: this.cursorFor(run), first, last });
    this.show();
  }

  // A cursor that replays the run from its start, or only its last maxLines records for a long one.
  cursorFor(run) {
    if (!run.cursor) return null;
    const at = run.cursor.lastIndexOf('=');
    const end = run.lastSeq ?? this.sourceInfo?.lastSeq ?? run.firstSeq;
    const from = Math.max(run.firstSeq - 1, end - this.maxLines());
    return `${run.cursor.slice(0, at)}=${from}`;
  }

  async startRun() {
    const response = await this.send('POST', `api/sources/${encodeURIComponent(this.source)}/runs`);
    if (response?.ok) {
      this.following = true;
      await this.refresh();
    }
  }

  async cancelRun() {
    const run = this.current();
    if (run) await this.send('DELETE', `api/sources/${encodeURIComponent(this.source)}/runs/${run.number}`);
    await this.refresh();
  }

  async send(method, url) {
    this.message.textContent = '';
    const response = await authFetch(url, { method, headers: { Accept: 'application/json' } });
    if (response.status === 403) {
      // This key may watch but not start or cancel: the controls go away.
      this.denied = true;
      this.show();
      return response;
    }
    if (!response.ok) this.message.textContent = await problemDetail(response);
    return response;
  }
}

function button(id, text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.id = id;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}
