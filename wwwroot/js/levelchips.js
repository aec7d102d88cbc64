// Level chips: toggle which levels the view shows (none chosen: every line). Lines with no level pass only when no
// chip is on. The lowest chosen level is what the server's level= can filter by (that level and above).

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export class LevelChips {
  /** onChange(selected: string[]) */
  constructor(container, { selected, onChange }) {
    this.container = container;
    this.onChange = onChange;
    this.selected = new Set(selected.filter((l) => LEVELS.includes(l)));
    this.chips = new Map();
    for (const level of LEVELS) {
      const chip = document.createElement('button');
      chip.type = 'button';
      chip.className = `chip level-chip lvc-${level}`;
      chip.dataset.level = level;
      chip.textContent = level;
      chip.title = `Show ${level} lines (several levels may be chosen; none: every line)`;
      chip.addEventListener('click', () => this.toggle(level));
      this.chips.set(level, chip);
    }
    container.replaceChildren(...this.chips.values());
    this.refresh();
  }

  toggle(level) {
    if (this.selected.has(level)) this.selected.delete(level);
    else this.selected.add(level);
    this.refresh();
    this.onChange(this.list());
  }

  list() {
    return LEVELS.filter((l) => this.selected.has(l));
  }

  refresh() {
    for (const [level, chip] of this.chips) chip.setAttribute('aria-pressed', String(this.selected.has(level)));
  }

  /** Whether a line passes the chips (markers always do). */
  passes(entry) {
    return this.selected.size === 0 || entry.marker !== '' || this.selected.has(entry.level);
  }

  /** The server filter: the lowest chosen level, or '' when none is chosen. */
  lowest() {
    return LEVELS.find((l) => this.selected.has(l)) ?? '';
  }
}
