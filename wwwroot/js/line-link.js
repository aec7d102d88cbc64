// A link to one line: clicking a line selects it and puts #line=source@epoch=seq in the address (the stream's own
// cursor form, naming the line's source, the epoch of its sequence and its sequence number); "Copy link" copies it.
// Opening such a link goes to the line (app.js, through history.js: from the lines held, or fetched from the source's
// history when older), scrolls to it and highlights it.

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

export class LineLinks {
  /**
   * log: the scrolling log element; epochOf(source) → the epoch of the source's sequence now;
   * redraw(): rows must be built again; say(text): a short status message.
   */
  constructor(log, { epochOf, redraw, say }) {
    this.epochOf = epochOf;
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

  /** The line the address linked to when the page opened ({ source, epoch, seq }), once; null if none. */
  take() {
    const wanted = this.wanted;
    this.wanted = null;
    return wanted;
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
