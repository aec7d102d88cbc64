// The source picker: one toggle per source (its colour, name and state) plus "All". No source selected means all.

const STATE_TEXT = { following: 'following', waiting: 'waiting', error: 'error' };

export class SourcePicker {
  /** onChange(selectedNames) — an empty list means every source. */
  constructor(container, { colourOf, onChange }) {
    this.container = container;
    this.colourOf = colourOf;
    this.onChange = onChange;
    this.sources = [];
    this.selected = new Set();
    this.chips = new Map();
    this.all = null;
  }

  setSources(sources) {
    const known = this.sources.map((s) => s.name).join('\n');
    this.sources = sources;
    if (sources.map((s) => s.name).join('\n') !== known) this.build();
    for (const s of sources) this.setState(s.name, s.state, s.message);
  }

  setSelection(names) {
    this.selected = new Set(names);
    this.refresh();
  }

  setState(name, state, message) {
    const chip = this.chips.get(name);
    if (!chip) return;
    const label = chip.querySelector('.state');
    chip.dataset.state = state;
    label.textContent = STATE_TEXT[state] ?? state;
    chip.title = message ? `${name}: ${state} — ${message}` : `${name}: ${state}`;
  }

  build() {
    this.chips.clear();
    this.all = chip('All sources', 'all');
    this.all.addEventListener('click', () => this.choose([]));
    const chips = [this.all];
    for (const s of this.sources) {
      const c = chip(s.name, `c${this.colourOf(s.name)}`);
      const dot = document.createElement('span');
      dot.className = 'dot';
      const state = document.createElement('span');
      state.className = 'state';
      c.prepend(dot);
      c.append(state);
      c.addEventListener('click', () => this.toggle(s.name));
      this.chips.set(s.name, c);
      chips.push(c);
    }
    this.container.replaceChildren(...chips);
    this.refresh();
  }

  // From "all", picking a source means "just this one"; otherwise it toggles, and emptying the set means all again.
  toggle(name) {
    const next = new Set(this.selected);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    this.choose([...next]);
  }

  choose(names) {
    const ordered = this.sources.map((s) => s.name).filter((n) => names.includes(n));
    const all = ordered.length === 0 || ordered.length === this.sources.length;
    this.selected = new Set(all ? [] : ordered);
    this.refresh();
    this.onChange([...this.selected]);
  }

  refresh() {
    const all = this.selected.size === 0;
    this.all?.setAttribute('aria-pressed', String(all));
    for (const [name, c] of this.chips) c.setAttribute('aria-pressed', String(!all && this.selected.has(name)));
  }
}

function chip(text, className) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = `chip ${className}`;
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = text;
  button.append(name);
  return button;
}
