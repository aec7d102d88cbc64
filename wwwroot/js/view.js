// A virtual list of log rows: only the rows in (or near) the viewport exist in the DOM, so the page stays fast
// whatever number of lines is held. It follows the tail like a terminal until the user scrolls up.
//
// Without wrapping every row is one line high and positions are arithmetic. With wrapping, heights are estimated
// from the text length, corrected by measuring the rows actually rendered, and positions come from running sums.

const OVERSCAN = 20;
const BOTTOM_SLACK_PX = 4;
const ROW_PADDING_PX = 18;

export class LogView {
  /**
   * scroller: the scrolling element (holds spacer + rows); buildRow(entry) → element;
   * schedule(): asks for a render on the next animation frame; onStatus(following, newCount);
   * onEdge(above, below): after each render once the user has scrolled, and when the wheel turns up with nothing
   * above, how many pixels of rows lie above and below the viewport, so more can be loaded before the user reaches an end.
   */
  constructor(scroller, { buildRow, schedule, onStatus, onEdge = () => {} }) {
    this.scroller = scroller;
    this.spacer = scroller.querySelector('.spacer');
    this.rowsEl = scroller.querySelector('.rows');
    this.buildRow = buildRow;
    this.schedule = schedule;
    this.onStatus = onStatus;
    this.onEdge = onEdge;
    // True while the rows end before the live tail (history.js): reaching the bottom then loads more, not follows.
    this.detached = false;
    // Edges load more only once the user has scrolled: a line just revealed keeps the rows it came with.
    this.userMoved = false;

    this.items = [];
    this.lineCount = 0;
    this.following = true;
    this.newCount = 0;
    this.wrap = false;
    this.prefixChars = 0;
    this.layoutKey = 1;
    this.tops = [];
    this.validUpTo = 0;
    this.cache = new Map();
    this.version = 0;
    this.rendered = { first: -1, last: -1, version: -1 };
    this.total = -1;
    this.scrollAdjust = 0;
    this.expectedTop = -1;
    this.revealing = null;
    this.measureFont();

    scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // A log shorter than the view cannot scroll: turning the wheel up at the top still asks for older lines.
    scroller.addEventListener('wheel', (e) => {
      if (e.deltaY < 0 && scroller.scrollTop === 0) this.onEdge(0, Infinity);
    }, { passive: true });
    new ResizeObserver(() => {
      this.measureFont();
      if (this.wrap) this.relayout();
      this.schedule();
    }).observe(scroller);
  }

  // Row height and character width of the log font, read from a throwaway row.
  measureFont() {
    const probe = document.createElement('div');
    probe.className = 'row probe';
    const text = document.createElement('span');
    text.className = 'msg';
    text.textContent = 'x'.repeat(100);
    probe.append(text);
    this.rowsEl.append(probe);
    this.rowH = probe.getBoundingClientRect().height || 20;
    this.charW = text.getBoundingClientRect().width / 100 || 8;
    probe.remove();
  }

  /** Replaces everything shown (a new filter, a clear). */
  setItems(items) {
    this.items = items;
    this.lineCount = items.reduce((n, e) => (e.marker ? n : n + 1), 0);
    this.tops = [];
    this.validUpTo = 0;
    this.cache.clear();
    this.newCount = 0;
    this.changed();
  }

  append(entries) {
    if (entries.length === 0) return;
    let lines = 0;
    for (const e of entries) {
      this.items.push(e);
      if (!e.marker) lines++;
    }
    this.lineCount += lines;
    this.changed();
    if (!this.following) {
      this.newCount += lines;
      this.onStatus(false, this.newCount);
    }
  }

  /** Puts older entries before the first shown, keeping the rows on screen where they are. */
  prepend(entries) {
    if (entries.length === 0) return;
    let height = 0;
    for (const e of entries) {
      if (!e.marker) this.lineCount++;
      if (this.wrap) height += this.heightOf(e);
    }
    if (!this.wrap) height = entries.length * this.rowH;
    this.items.unshift(...entries);
    if (this.wrap) {
      this.tops = [];
      this.validUpTo = 0;
    }
    if (!this.following) this.scrollAdjust += height;
    this.changed();
  }

  /** Appends entries that are not news (history loaded below the rows, not live lines). */
  appendQuietly(entries) {
    const newCount = this.newCount;
    this.append(entries);
    this.newCount = newCount;
  }

  /** Removes trailing items newer than lastId (dropped from the store's newest end while scrolled back). */
  dropAfter(lastId) {
    let k = this.items.length;
    while (k > 0 && this.items[k - 1].id > lastId) k--;
    if (k === this.items.length) return;
    for (let i = k; i < this.items.length; i++) {
      this.cache.delete(this.items[i]);
      if (!this.items[i].marker) this.lineCount--;
    }
    this.items.length = k;
    if (this.wrap) {
      this.tops.length = Math.min(k, this.tops.length);
      this.validUpTo = Math.min(this.validUpTo, k);
    }
    this.changed();
  }

  /** The item in the middle of the viewport, or null. */
  centreItem() {
    const sc = this.scroller;
    return this.items[Math.min(this.items.length - 1, this.indexAt(sc.scrollTop + sc.clientHeight / 2))] ?? null;
  }

  /** Removes leading items older than firstId (trimmed from the store), keeping the view still if scrolled up. */
  dropBefore(firstId) {
    let k = 0;
    while (k < this.items.length && this.items[k].id < firstId) k++;
    if (k === 0) return 0;
    if (!this.following) this.scrollAdjust -= this.topOf(k);
    for (let i = 0; i < k; i++) {
      this.cache.delete(this.items[i]);
      if (!this.items[i].marker) this.lineCount--;
    }
    this.items.splice(0, k);
    if (this.wrap) {
      this.tops.splice(0, Math.min(k, this.tops.length));
      this.validUpTo = Math.max(0, this.validUpTo - k);
    }
    this.changed();
    return k;
  }

  setWrap(wrap) {
    this.wrap = wrap;
    this.relayout();
  }

  /** Columns before the message (timestamp, source tag), in characters, for height estimates. */
  setPrefixChars(chars) {
    this.prefixChars = chars;
    this.relayout();
  }

  /** Rows must be built again (timestamps or source tags toggled). */
  rebuildRows() {
    this.cache.clear();
    this.changed();
  }

  relayout() {
    this.layoutKey++;
    this.tops = [];
    this.validUpTo = 0;
    this.changed();
  }

  /** Scrolls so that entry shows in the upper third of the view, and stops following (a link to one line). */
  reveal(entry) {
    this.revealing = entry;
    this.userMoved = false;
    this.setFollowing(false);
    this.changed();
  }

  jumpToLatest() {
    this.setFollowing(true);
    this.schedule();
  }

  changed() {
    this.version++;
    this.schedule();
  }

  setFollowing(following) {
    this.following = following;
    if (following) this.newCount = 0;
    this.onStatus(following, this.newCount);
  }

  onScroll() {
    const top = this.scroller.scrollTop;
    if (this.expectedTop >= 0 && Math.abs(top - this.expectedTop) < 1) return;
    this.expectedTop = -1;
    this.userMoved = true;
    const atBottom = !this.detached && top + this.scroller.clientHeight >= this.totalHeight() - BOTTOM_SLACK_PX;
    if (atBottom !== this.following) this.setFollowing(atBottom);
    this.schedule();
  }

  heightOf(entry) {
    if (entry.hk !== this.layoutKey) {
      entry.hk = this.layoutKey;
      const cols = Math.max(10, Math.floor((this.scroller.clientWidth - ROW_PADDING_PX) / this.charW) - this.prefixChars);
      const length = (entry.plain ?? entry.text).length + (entry.marker ? 2 : 0);
      entry.h = this.rowH * Math.max(1, Math.ceil(length / cols));
    }
    return entry.h;
  }

  ensureTops() {
    const { items, tops } = this;
    for (let i = this.validUpTo; i < items.length; i++) {
      tops[i] = i === 0 ? 0 : tops[i - 1] + this.heightOf(items[i - 1]);
    }
    tops.length = items.length;
    this.validUpTo = items.length;
  }

  topOf(i) {
    if (!this.wrap) return i * this.rowH;
    this.ensureTops();
    if (i >= this.items.length) return this.totalHeight();
    return this.tops[i] - (this.tops[0] ?? 0);
  }

  totalHeight() {
    const n = this.items.length;
    if (!this.wrap) return n * this.rowH;
    if (n === 0) return 0;
    this.ensureTops();
    return this.tops[n - 1] - this.tops[0] + this.heightOf(this.items[n - 1]);
  }

  indexAt(y) {
    const n = this.items.length;
    if (!this.wrap) return Math.min(n, Math.max(0, Math.floor(y / this.rowH)));
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.topOf(mid) <= y) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, lo);
  }

  /** Brings the DOM up to date: spacer height, scroll position, and the visible rows. Called once per frame. */
  render() {
    const sc = this.scroller;
    const total = this.totalHeight();
    if (total !== this.total) {
      this.spacer.style.height = `${total}px`;
      this.total = total;
    }
    const viewH = sc.clientHeight;
    let top = sc.scrollTop;
    let wanted = this.following ? Math.max(0, total - viewH) : Math.max(0, top + this.scrollAdjust);
    this.scrollAdjust = 0;
    if (this.revealing) {
      const i = this.items.indexOf(this.revealing);
      this.revealing = null;
      if (i >= 0) wanted = Math.max(0, Math.min(total - viewH, this.topOf(i) - Math.floor(viewH / 3)));
    }
    if (Math.abs(wanted - top) >= 1) {
      sc.scrollTop = wanted;
      top = sc.scrollTop;
      this.expectedTop = top;
    }

    if (!this.following && this.userMoved) this.onEdge(top, total - top - viewH);
    const n = this.items.length;
    const first = Math.max(0, this.indexAt(top) - OVERSCAN);
    const last = Math.min(n, this.indexAt(top + viewH) + 1 + OVERSCAN);
    const r = this.rendered;
    if (first === r.first && last === r.last && this.version === r.version) return;
    this.rendered = { first, last, version: this.version };

    const next = new Map();
    const rows = [];
    for (let i = first; i < last; i++) {
      const entry = this.items[i];
      const row = this.cache.get(entry) ?? this.buildRow(entry);
      next.set(entry, row);
      rows.push(row);
    }
    this.cache = next;
    this.rowsEl.replaceChildren(...rows);
    this.rowsEl.style.transform = `translateY(${this.topOf(first)}px)`;
    if (this.wrap) this.measure(first, rows);
  }

  // Wrapped rows: replace estimates by real heights; if any differed, positions move, so render again.
  measure(first, rows) {
    let changedAt = -1;
    for (let j = 0; j < rows.length; j++) {
      const entry = this.items[first + j];
      const h = rows[j].offsetHeight;
      if (h > 0 && h !== this.heightOf(entry)) {
        entry.h = h;
        if (changedAt < 0) changedAt = first + j;
      }
    }
    if (changedAt >= 0) {
      this.validUpTo = Math.min(this.validUpTo, changedAt + 1);
      this.changed();
    }
  }
}
