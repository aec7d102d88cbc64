// The line filter: plain substring, or /regex/ when wrapped in slashes. A bad regex is reported, never thrown.
//
// A substring is matched here, on the page's thread: escaped, it runs in linear time. A /regex/ comes from the user or
// from a shared link and can backtrack for seconds on one line, so it is only checked for syntax here and evaluated
// off the page's thread (matcher.js), where a time budget can stop it.

const REGEX_FORM = /^\/(.+)\/$/s;

/**
 * Compiles what the user typed. Returns { active, mode, error, serverPattern } and, by mode:
 *   'text'  → test(text), ranges(text): evaluated on the page's thread;
 *   'regex' → source, flags: evaluated by a RegexMatcher.
 * ranges gives the [start, end) of each match, for highlighting; serverPattern is the same filter as a .NET regex for
 * the server's grep= (substring escaped; (?i) when case-insensitive).
 */
export function compileFilter(input, matchCase) {
  if (!input) return { active: false, mode: 'none', test: () => true, ranges: () => [], error: null, serverPattern: '' };
  const m = REGEX_FORM.exec(input);
  const source = m ? m[1] : escapeRegex(input);
  const serverSource = m ? m[1] : escapeRegex(input).replace(/#/g, '\\#');
  let regex;
  try {
    // Compiling only parses the pattern; nothing is matched here.
    regex = new RegExp(source, matchCase ? 'u' : 'iu');
  } catch (e) {
    try {
      // Without the u flag JavaScript accepts more of the escapes other regex dialects use (\_ and friends).
      regex = new RegExp(source, matchCase ? '' : 'i');
    } catch {
      return { active: true, mode: m ? 'regex' : 'text', test: () => false, ranges: () => [], error: e.message, serverPattern: '' };
    }
  }
  const serverPattern = matchCase ? serverSource : `(?i)${serverSource}`;
  if (m) return { active: true, mode: 'regex', source: regex.source, flags: regex.flags, error: null, serverPattern };
  const global = new RegExp(regex.source, `${regex.flags}g`);
  return {
    active: true,
    mode: 'text',
    test: (text) => regex.test(text),
    ranges: (text) => matchRanges(global, text),
    error: null,
    serverPattern,
  };
}

function escapeRegex(text) {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

const MAX_HIGHLIGHTS = 100;

/** The [start, end) of each non-empty match of a global regex in text, at most MAX_HIGHLIGHTS of them. */
export function matchRanges(global, text) {
  const ranges = [];
  global.lastIndex = 0;
  for (let m; ranges.length < MAX_HIGHLIGHTS && (m = global.exec(text)) !== null;) {
    if (m[0].length === 0) {
      global.lastIndex++;
      continue;
    }
    ranges.push([m.index, m.index + m[0].length]);
  }
  return ranges;
}
