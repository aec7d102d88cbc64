// Runs the user's /regex/ filter away from the page's thread. The page sends the pattern once, then batches of
// texts; for each text the answer is false (no match) or the match ranges. A pattern that backtracks for too long is
// not stopped here: the page terminates this worker (matcher.js).

import { matchRanges } from './filter.js';

let regex = null;
let global = null;

onmessage = (event) => {
  const message = event.data;
  if (message.type === 'pattern') {
    regex = new RegExp(message.source, message.flags);
    global = new RegExp(message.source, `${message.flags}g`);
    return;
  }
  const results = message.texts.map((text) => (regex.test(text) ? matchRanges(global, text) : false));
  postMessage({ id: message.id, results });
};
