// Log level of a line, from the spellings common loggers use. Only the start of a line is searched: levels sit
// near the front, and a firehose must not pay for scanning long payloads.

const HEAD = 300;

const LEVEL_OF = {
  fatal: 'fatal', critical: 'fatal', crit: 'fatal', panic: 'fatal', emerg: 'fatal', emergency: 'fatal', alert: 'fatal', ftl: 'fatal',
  error: 'error', err: 'error', eror: 'error', severe: 'error', fail: 'error',
  warning: 'warn', warn: 'warn', wrn: 'warn',
  notice: 'info', info: 'info', inf: 'info', information: 'info',
  debug: 'debug', dbg: 'debug', dbug: 'debug', verbose: 'debug', vrb: 'debug', fine: 'debug',
  trace: 'trace', trc: 'trace', trce: 'trace', finer: 'trace', finest: 'trace',
};

const WORDS = Object.keys(LEVEL_OF).sort((a, b) => b.length - a.length).join('|');

// Any case, but only where the shape says "this is the level": level=warn, "level":"warn", [warn], <warn>, and
// "warn: " at the start or after a timestamp (.NET console: fail/crit/warn/info/dbug/trce).
const STRUCTURED = new RegExp(
  `(?:\\b(?:level|lvl|severity|loglevel)["']?\\s*[=:]\\s*["']?(${WORDS})\\b)` +
  `|(?:[\\[<(|]\\s*(${WORDS})\\s*[\\]>)|])` +
  `|(?:(?:^|\\s)(${WORDS}):(?:\\s|$))`, 'i');

// Upper case anywhere near the start: "2024-01-01 12:00:00 ERROR something".
const UPPER = new RegExp(`\\b(${WORDS.toUpperCase()})\\b`);

/** 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | '' */
export function detectLevel(plain) {
  const head = plain.length > HEAD ? plain.slice(0, HEAD) : plain;
  const m = STRUCTURED.exec(head) ?? UPPER.exec(head);
  if (!m) return '';
  const word = m[1] ?? m[2] ?? m[3];
  return LEVEL_OF[word.toLowerCase()] ?? '';
}
