// The lines and markers held in memory, oldest first, at most maxLines of them. Entries are plain objects:
//   { id, source, seq, ts, text, marker }   (marker: '' for a line, else 'gap' | 'rotated' | 'truncated' | 'status')
// plus fields computed on first need (plain, level, runs, h). id grows forever, so a filtered view can tell which of
// its entries were trimmed by comparing ids.

export class LineStore {
  constructor(maxLines) {
    this.maxLines = maxLines;
    this.entries = [];
    this.lines = 0;
    this.nextId = 1;
  }

  add(entry) {
    entry.id = this.nextId++;
    this.entries.push(entry);
    if (!entry.marker) this.lines++;
    return entry;
  }

  /** Drops the oldest entries beyond the bound; returns the id of the oldest kept (or nextId when empty). */
  trim() {
    const excess = this.entries.length - this.maxLines;
    if (excess > 0) {
      for (let i = 0; i < excess; i++) if (!this.entries[i].marker) this.lines--;
      this.entries.splice(0, excess);
    }
    return this.firstId();
  }

  firstId() {
    return this.entries.length > 0 ? this.entries[0].id : this.nextId;
  }

  clear() {
    this.entries = [];
    this.lines = 0;
  }
}
