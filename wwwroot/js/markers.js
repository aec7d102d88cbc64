// The text of the inline markers for gap, rotated, truncated and status events: what happened, in words.

const GAP_REASONS = {
  'slow-viewer': 'this view fell behind the stream',
  expired: 'they are no longer held by the server',
  'file-gone': 'the file is gone',
  truncated: 'the file was truncated',
  'server-restarted': 'the server restarted',
};

/** nameSource: say which source (when rows carry no source tag, i.e. a single-source view). */
export function describeNotice(type, d, nameSource) {
  const who = nameSource ? `${d.source}: ` : '';
  if (type === 'gap') {
    const why = GAP_REASONS[d.reason] ?? d.reason;
    if (d.count === 0) return `${who}stream restarted — ${why}; lines written meanwhile may be missing`;
    return `${who}${d.count.toLocaleString()} line${d.count === 1 ? '' : 's'} skipped — ${why}`;
  }
  const detail = d.message ? ` (${d.message})` : '';
  if (type === 'rotated') return `${who}file rotated, now reading ${d.path}${detail}`;
  if (type === 'truncated') return `${who}${d.path} was truncated, reading from its start${detail}`;
  return `${who}${d.message || `${d.kind} ${d.path}`}`;
}
