// The field picker: a menu of the fields structured lines carry (found in the lines held when it opens); the ones
// chosen are shown as columns, in the order chosen.

import { fieldNames } from './structure.js';

export class FieldPicker {
  /** entries(): the entries held; onChange(chosen: string[]) */
  constructor(container, { chosen, entries, onChange }) {
    this.chosen = [...chosen];
    this.entries = entries;
    this.onChange = onChange;
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.id = 'fields-button';
    this.button.setAttribute('aria-haspopup', 'true');
    this.button.setAttribute('aria-expanded', 'false');
    this.button.title = 'Show fields of JSON and logfmt lines as columns';
    this.menu = document.createElement('div');
    this.menu.id = 'fields-menu';
    this.menu.className = 'fields-menu';
    this.menu.hidden = true;
    this.button.addEventListener('click', () => (this.menu.hidden ? this.open() : this.close()));
    document.addEventListener('click', (e) => { if (!container.contains(e.target)) this.close(); });
    document.addEventListener('keydown', (e) => { if (e.key === 'Escape') this.close(); });
    container.replaceChildren(this.button, this.menu);
    this.label();
  }

  label() {
    this.button.textContent = this.chosen.length > 0 ? `Fields (${this.chosen.length})` : 'Fields';
    this.button.setAttribute('aria-pressed', String(this.chosen.length > 0));
  }

  open() {
    const names = fieldNames(this.entries());
    for (const name of this.chosen) if (!names.includes(name)) names.unshift(name);
    const items = names.map((name) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = name;
      box.checked = this.chosen.includes(name);
      box.addEventListener('change', () => this.set(name, box.checked));
      label.append(box, name);
      return label;
    });
    if (items.length === 0) {
      const none = document.createElement('p');
      none.className = 'fields-none';
      none.textContent = 'No JSON or logfmt lines held yet.';
      items.push(none);
    }
    this.menu.replaceChildren(...items);
    this.menu.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
  }

  close() {
    this.menu.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
  }

  set(name, on) {
    this.chosen = on ? [...this.chosen.filter((n) => n !== name), name] : this.chosen.filter((n) => n !== name);
    this.label();
    this.onChange([...this.chosen]);
  }
}
