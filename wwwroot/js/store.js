// The lines and markers held in memory, oldest first, at most maxLines of them (more while scrolled back into history,
// see history.js). Entries are plain objects:
//   { id, source, seq, ts, text, marker }   (marker: '' for a line, else 'gap' | 'rotated' | 'truncated' | 'status' | 'start')
// plus fields computed on first need (plain, level, runs, h). Ids keep the store's order: appended entries take ids
// above every id given, prepended (older) ones ids below, so a filtered view can tell which of its entries were
// trimmed by comparing ids.

export class LineStore {
  constructor(maxLines) {
    this.maxLines = maxLines;
    this.entries = [];
    this.lines = 0;
    this.nextId = 1;
    this.lowId = 0;
  }

  add(entry) {
    entry.id = this.nextId++;
    this.entries.push(entry);
    if (!entry.marker) this.lines++;
    return entry;
  }

  /** Puts older entries (in order) before the oldest held. */
  prepend(entries) {
    for (let i = entries.length - 1; i >= 0; i--) {
      entries[i].id = this.lowId--;
      if (!entries[i].marker) this.lines++;
    }
    this.entries.unshift(...entries);
  }

  /** Drops the oldest entries beyond `bound`; returns the id of the oldest kept (or nextId when empty). */
  trim(bound = this.maxLines) {
    const excess = this.entries.length - bound;
    if (excess > 0) {
      for (let i = 0; i < excess; i++) if (!this.entries[i].marker) this.lines--;
      this.entries.splice(0, excess);
    }
    return this.firstId();
  }

  /** Drops the newest entries beyond `bound`; returns the id of the newest kept. */
  trimEnd(bound) {
    const excess = this.entries.length - bound;
    if (excess > 0) {
      for (let i = this.entries.length - excess; i < this.entries.length; i++) if (!this.entries[i].marker) this.lines--;
      this.entries.length -= excess;
    }
    return this.entries.length > 0 ? this.entries[this.entries.length - 1].id : this.lowId;
  }

  firstId() {
    return this.entries.length > 0 ? this.entries[0].id : this.nextId;
  }

  clear() {
    this.entries = [];
    this.lines = 0;
  }
}
