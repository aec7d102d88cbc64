// How to point TailHub at your own logs: shown while the view holds no lines, and while the only sources shown are
// TailHub's own log (the shipped default), until the user hides it.

const HIDDEN_KEY = 'tailhub.setupHint';
// A stream's backlog arrives within moments of connecting: an empty view only counts as empty after this long.
const EMPTY_AFTER_MS = 1500;

export class SetupHint {
  constructor(element) {
    this.element = element;
    this.lead = element.querySelector('.lead');
    this.hidden = readHidden();
    this.ownLogOnly = false;
    this.emptySince = 0;
    element.querySelector('.hide').addEventListener('click', () => {
      this.hidden = true;
      try { localStorage.setItem(HIDDEN_KEY, 'hidden'); } catch { /* private mode: hidden for this page only */ }
      this.render();
    });
  }

  /** ownLogOnly: every source shown is TailHub's own log; empty: no lines held and no filter. */
  update(ownLogOnly, empty) {
    this.ownLogOnly = ownLogOnly;
    if (!empty) {
      this.emptySince = 0;
    } else if (!this.emptySince) {
      this.emptySince = Date.now();
      setTimeout(() => this.render(), EMPTY_AFTER_MS + 20);
    }
    this.render();
  }

  render() {
    const empty = this.emptySince > 0 && Date.now() - this.emptySince >= EMPTY_AFTER_MS;
    const lead = this.ownLogOnly ? 'This is TailHub’s own log.' : empty ? 'No lines yet.' : '';
    const show = !this.hidden && lead !== '';
    if (this.element.hidden === !show && this.lead.textContent === lead) return;
    this.lead.textContent = lead;
    this.element.hidden = !show;
  }
}

function readHidden() {
  try {
    return localStorage.getItem(HIDDEN_KEY) === 'hidden';
  } catch {
    return false;
  }
}
