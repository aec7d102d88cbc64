// Access to a TailHub that requires an API key. The key is asked for once (only when the server answers 401), kept
// for this tab in sessionStorage, sent as a Bearer header, and traded for a short-lived stream token for
// EventSource, which cannot send headers. The key itself never goes into a URL.

const STORAGE = 'tailhub.key';
let key = sessionStorage.getItem(STORAGE) || '';
let asking = null;

/** True once the server has asked for a key and one was given. */
export const hasKey = () => key !== '';

/** fetch with the key; on 401 asks for a (new) key and tries again. */
export async function authFetch(url, options = {}) {
  for (;;) {
    const headers = { ...(options.headers || {}) };
    if (key) headers.Authorization = `Bearer ${key}`;
    const response = await fetch(url, { ...options, headers });
    if (response.status !== 401) return response;
    await askForKey(key ? 'That key was not accepted.' : 'This TailHub needs an API key.');
  }
}

/** A stream token for these sources (none: all the key's sources), or '' when the server needs no key. */
export async function streamToken(names) {
  if (!key) return '';
  const response = await authFetch('api/stream-tokens', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ sources: names }),
  });
  if (!response.ok) throw new Error(`stream token: HTTP ${response.status}`);
  return (await response.json()).token;
}

function askForKey(message) {
  asking ??= new Promise((resolve) => {
    const form = document.getElementById('auth');
    const input = document.getElementById('auth-key');
    document.getElementById('auth-message').textContent = message;
    form.hidden = false;
    input.value = '';
    input.focus();
    form.onsubmit = (e) => {
      e.preventDefault();
      if (!input.value) return;
      key = input.value;
      sessionStorage.setItem(STORAGE, key);
      form.hidden = true;
      asking = null;
      resolve();
    };
  });
  return asking;
}
