// A link to one line: clicking a line selects it and puts #line=source@epoch=seq in the address (the stream's own
// cursor form, naming the line's source, the epoch of its sequence and its sequence number); "Copy link" copies it.
// Opening such a link selects the line once it has arrived, scrolls to it and highlights it.

const PREFIX = '#line=';

/** Parses #line=source@epoch=seq; null for anything else. */
export function parseLineLink(hash) {
  if (!hash.startsWith(PREFIX)) return null;
  const value = hash.slice(PREFIX.length);
  const eq = value.lastIndexOf('=');
  const at = eq < 0 ? -1 : value.lastIndexOf('@', eq);
  const seq = Number(value.slice(eq + 1));
  if (at <= 0 || !Number.isSafeInteger(seq) || seq <= 0) return null;
  try {
    return { source: decodeURIComponent(value.slice(0, at)), epoch: decodeURIComponent(value.slice(at + 1, eq)), seq };
  } catch {
    return null;
  }
}

export const lineLinkHash = ({ source, epoch, seq }) => `${PREFIX}${encodeURIComponent(source)}@${encodeURIComponent(epoch)}=${seq}`;

/**
 * The entry a link names among those held, or null; `missing` when it can no longer arrive (the lines held of its
 * source are already past it, or its sequence is another one). The one place a line is looked up by its link: a
 * later version fetches older lines from the server's history here.
 */
export function findLine(entries, target, epochOf) {
  const epoch = epochOf(target.source);
  if (epoch && epoch !== target.epoch) return { entry: null, missing: true };
  let passed = false;
  for (const entry of entries) {
    if (entry.source !== target.source || entry.marker) continue;
    if (entry.seq === target.seq) return { entry, missing: false };
    if (entry.seq > target.seq) passed = true;
  }
  return { entry: null, missing: passed };
}

export class LineLinks {
  /**
   * log: the scrolling log element; epochOf(source) → the epoch of the source's sequence now;
   * entries() → the entries held; reveal(entry) → true once scrolled to (false while it is not shown);
   * redraw(): rows must be built again; say(text): a short status message.
   */
  constructor(log, { epochOf, entries, reveal, redraw, say }) {
    this.epochOf = epochOf;
    this.entries = entries;
    this.reveal = reveal;
    this.redraw = redraw;
    this.say = say;
    this.rows = new WeakMap();
    this.selected = null;
    this.wanted = parseLineLink(location.hash);
    this.copyButton = document.getElementById('copy-link');
    log.addEventListener('click', (e) => this.clicked(e));
    this.copyButton.addEventListener('click', () => this.copy());
  }

  /** Called for every row built: remembers its entry and marks the selected one. */
  decorate(row, entry) {
    this.rows.set(row, entry);
    if (entry === this.selected) row.classList.add('selected');
    return row;
  }

  /** Looks for the linked line among the lines held, until it is found or cannot arrive any more. */
  seek() {
    if (!this.wanted) return;
    const { entry, missing } = findLine(this.entries(), this.wanted, this.epochOf);
    if (entry) {
      if (!this.reveal(entry)) return;
      this.wanted = null;
      this.select(entry, false);
    } else if (missing) {
      this.say(`The linked line (${this.wanted.source} #${this.wanted.seq}) is no longer held.`);
      this.wanted = null;
    }
  }

  clicked(e) {
    // A drag that selected text is not a click on a line.
    if (!getSelection().isCollapsed) return;
    const row = e.target.closest('.row');
    const entry = row && this.rows.get(row);
    if (!entry || entry.marker) return;
    this.select(entry === this.selected ? null : entry, true);
  }

  select(entry, updateAddress) {
    this.selected = entry;
    this.copyButton.hidden = !entry;
    const epoch = entry && this.epochOf(entry.source);
    if (updateAddress) {
      const hash = entry && epoch ? lineLinkHash({ source: entry.source, epoch, seq: entry.seq }) : '';
      history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
    }
    this.redraw();
  }

  async copy() {
    try {
      await navigator.clipboard.writeText(location.href);
      this.say('Link to the line copied.');
    } catch {
      this.say('Copy the address bar: it links to the selected line.');
    }
  }
}
