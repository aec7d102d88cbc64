// The line filter: plain substring, or /regex/ when wrapped in slashes. A bad regex is reported, never thrown.

const REGEX_FORM = /^\/(.+)\/$/s;

/**
 * Compiles what the user typed. Returns { active, test(text), error, serverPattern }, where serverPattern is the
 * same filter as a .NET regex for the server's grep= (substring escaped; (?i) when case-insensitive).
 */
export function compileFilter(input, matchCase) {
  if (!input) return { active: false, test: () => true, error: null, serverPattern: '' };
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
      return { active: true, test: () => false, error: e.message, serverPattern: '' };
    }
  }
  return {
    active: true,
    test: (text) => regex.test(text),
    error: null,
    serverPattern: matchCase ? serverSource : `(?i)${serverSource}`,
  };
}

function escapeRegex(text) {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
