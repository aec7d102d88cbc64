// "Download": the lines held in memory as a plain-text file, escape sequences removed, generated in the browser.

import { plainOf, formatTime } from './render.js';

export function downloadLines(entries, { showSource, timestamps }) {
  const out = [];
  for (const e of entries) {
    if (e.marker) continue;
    let line = plainOf(e);
    if (showSource) line = `${e.source}\t${line}`;
    if (timestamps) line = `${formatTime(e.ts)}\t${line}`;
    out.push(line);
  }
  const blob = new Blob([out.join('\n'), out.length > 0 ? '\n' : ''], { type: 'text/plain;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `tailhub-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.log`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
