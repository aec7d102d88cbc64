// The line filter: plain substring, or /regex/ when wrapped in slashes. A bad regex is reported, never thrown.

const REGEX_FORM = /^\/(.+)\/$/s;

/**
 * Compiles what the user typed. Returns { active, test(text), ranges(text), error, serverPattern }: ranges gives the
 * [start, end) of each match, for highlighting; serverPattern is the
 * same filter as a .NET regex for the server's grep= (substring escaped; (?i) when case-insensitive).
 */
export function compileFilter(input, matchCase) {
  if (!input) return { active: false, test: () => true, ranges: () => [], error: null, serverPattern: '' };
  const m = REGEX_FORM.exec(input);
  const source = m ? m[1] : escapeRegex(input);
  const serverSource = m ? m[1] : escapeRegex(input).replace(/#/g, '\\#');
  let regex;
  try {
    regex = new RegExp(source, matchCase ? 'u' : 'iu');
  } catch (e) {
    try {
      // Without the u flag JavaScript accepts more of the escapes other regex dialects use (\_ and friends).
      regex = new RegExp(source, matchCase ? '' : 'i');
    } catch {
      return { active: true, test: () => false, ranges: () => [], error: e.message, serverPattern: '' };
    }
  }
  const global = new RegExp(regex.source, `${regex.flags}g`);
  return {
    active: true,
    test: (text) => regex.test(text),
    ranges: (text) => matchRanges(global, text),
    error: null,
    serverPattern: matchCase ? serverSource : `(?i)${serverSource}`,
  };
}

function escapeRegex(text) {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

const MAX_HIGHLIGHTS = 100;

function matchRanges(global, text) {
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
