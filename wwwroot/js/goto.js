// What the "Go to" box accepts: a line number (the source's sequence number, as links and search hits name lines) or
// a time — 10:00, 10:00:30 (today), 2026-12-01T10:00 or 2026-12-01 10:00 (local time, as the Time column shows), or
// with an offset (…Z, …+01:00).

const HINT = 'Type a line number, or a time such as 10:00 or 2026-12-01T10:00.';

/** → { seq } or { time: Date } or { error }. now: today's date for a time of day. */
export function parseGoto(text, now = new Date()) {
  const value = text.trim();
  if (/^\d+$/.test(value)) {
    const seq = Number(value);
    return Number.isSafeInteger(seq) && seq > 0 ? { seq } : { error: HINT };
  }
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (clock) {
    const [h, m, s] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    if (h > 23 || m > 59 || s > 59) return { error: HINT };
    return { time: new Date(now.getFullYear(), now.getMonth(), now.getDate(), h, m, s) };
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}/.test(value)) {
    const time = new Date(value.replace(' ', 'T'));
    if (!Number.isNaN(time.getTime())) return { time };
  }
  return { error: HINT };
}
