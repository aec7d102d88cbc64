// "Download": the lines held in memory (or those the filter shows) as a plain-text file, escape sequences removed,
// generated in the browser; or a whole source, or one run of it, from the server's masked history download.

import { plainOf, formatTime } from './render.js';
import { authFetch, hasKey } from './auth.js';

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
  save(url, `tailhub-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.log`);
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * The whole history of a source (run: one run of it, or null) from the server, which names the file. Without an API
 * key the browser downloads it straight from the server (streamed to disk); a key cannot go into a link, so with one
 * it is fetched with the key and saved from memory.
 */
export async function downloadFrom(source, run, say) {
  const url = `api/sources/${encodeURIComponent(source)}/download${run !== null ? `?run=${run}` : ''}`;
  if (!hasKey()) return save(url, '');
  try {
    const response = await authFetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const name = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? `${source}.log`;
    const blobUrl = URL.createObjectURL(await response.blob());
    save(blobUrl, name);
    setTimeout(() => URL.revokeObjectURL(blobUrl), 10000);
  } catch (e) {
    say(`The download failed (${e.message}).`);
  }
}

// '' as the name: the server's Content-Disposition names the file.
function save(url, name) {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
