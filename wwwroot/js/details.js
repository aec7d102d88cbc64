// The details panel: a structured line opened as a pretty tree (built when opened, never for lines only scrolled
// past). Esc or the close button shuts it.

import { buildTree, valueOf } from './structure.js';
import { formatTime } from './render.js';

export class DetailsPanel {
  constructor(panel) {
    this.panel = panel;
    this.entry = null;
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.panel.hidden) this.close();
    });
  }

  toggle(entry) {
    if (this.entry === entry) this.close();
    else this.show(entry);
  }

  show(entry) {
    const value = valueOf(entry);
    if (!value) return;
    this.entry = entry;
    const head = document.createElement('div');
    head.className = 'details-head';
    const title = document.createElement('span');
    title.textContent = `${entry.source} · line ${entry.seq} · read ${formatTime(entry.ts)}${entry.at ? ` · logged ${new Date(entry.at).toISOString()}` : ''}`;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'details-close';
    close.textContent = 'Close';
    close.addEventListener('click', () => this.close());
    head.append(title, close);
    const tree = document.createElement('div');
    tree.className = 'tree';
    tree.append(buildTree(value));
    this.panel.replaceChildren(head, tree);
    this.panel.hidden = false;
  }

  close() {
    this.entry = null;
    this.panel.hidden = true;
    this.panel.replaceChildren();
  }
}
