// Evaluates a /regex/ filter in a Web Worker with a time budget, so no pattern (typed, or from a shared link) can
// freeze the page: a batch that takes longer than the budget gets the worker terminated and the pattern reported.

export const BUDGET_MS = 1000;
const BATCH_TEXTS = 1000;

export class RegexMatcher {
  /** onTimeout(lines): the pattern spent the whole budget on a batch of that many lines and was stopped. */
  constructor(source, flags, onTimeout) {
    this.onTimeout = onTimeout;
    this.worker = new Worker(new URL('./regex-worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event) => this.answered(event.data);
    this.worker.postMessage({ type: 'pattern', source, flags });
    this.waiting = [];
    this.nextId = 1;
    this.timer = 0;
    this.stopped = false;
  }

  /** For each text, false (no match) or its match ranges; null if the pattern was stopped meanwhile. */
  async match(texts) {
    const batches = [];
    for (let i = 0; i < texts.length; i += BATCH_TEXTS) batches.push(this.send(texts.slice(i, i + BATCH_TEXTS)));
    const answers = await Promise.all(batches);
    return answers.some((a) => a === null) ? null : answers.flat();
  }

  send(texts) {
    if (this.stopped) return Promise.resolve(null);
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.waiting.push({ id, size: texts.length, resolve });
      this.worker.postMessage({ type: 'match', id, texts });
      this.arm();
    });
  }

  // The worker answers in order: only the batch it is working on is timed.
  arm() {
    if (this.timer || this.waiting.length === 0) return;
    const head = this.waiting[0];
    this.timer = setTimeout(() => this.expired(head), BUDGET_MS);
  }

  answered({ id, results }) {
    const head = this.waiting[0];
    if (!head || head.id !== id) return;
    this.waiting.shift();
    clearTimeout(this.timer);
    this.timer = 0;
    head.resolve(results);
    this.arm();
  }

  expired(head) {
    this.timer = 0;
    if (this.waiting[0] !== head) return;
    this.close();
    this.onTimeout(head.size);
  }

  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.worker.terminate();
    for (const w of this.waiting) w.resolve(null);
    this.waiting = [];
  }
}
