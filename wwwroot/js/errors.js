// A refused or unreachable stream, said in the page: what the server answered and what to do about it. The badge's
// tooltip alone is easy to miss. A bad server-side grep is said beside the filter instead, where it is typed.

const ADVICE = {
  backlog: 'Lower backlog= in the address, or remove it to get the default.',
  sources: 'Choose fewer sources.',
  'Last-Event-ID': 'Reload the page to start again from the latest lines.',
  400: 'Change what the address asks for, or open the default view.',
  401: 'Reload the page and enter a valid API key.',
  403: 'Choose sources your API key may read, or ask whoever runs TailHub for a key that can.',
  404: 'Choose a source from the list above; the address names one this TailHub does not have.',
  429: 'Close TailHub tabs or other streams from this computer that you no longer need.',
  503: 'TailHub is serving as many viewers as it is allowed to.',
  0: 'Check that TailHub is running and that this computer can reach it.',
};

export class StreamErrors {
  /** element: holds .title, .detail, .advice, and a .retry button; retry(): tries to connect now. */
  constructor(element, retry) {
    this.element = element;
    this.title = element.querySelector('.title');
    this.detail = element.querySelector('.detail');
    this.advice = element.querySelector('.advice');
    element.querySelector('.retry').addEventListener('click', retry);
  }

  /** connection: the stream's state; refusal: what the server said (see LogStream), or null. */
  update(connection, refusal) {
    if (connection === 'live') {
      this.element.hidden = true;
      return;
    }
    if (!refusal || refusal.parameter === 'grep') return;
    const status = refusal.status ? ` (HTTP ${refusal.status})` : '';
    this.title.textContent = `${refusal.title}${status}`;
    this.detail.textContent = refusal.detail;
    const advice = ADVICE[refusal.parameter] ?? ADVICE[refusal.status] ?? (refusal.status >= 500 ? 'The server had a problem; see its log.' : ADVICE[400]);
    const retrying = refusal.retryIn ? ` Retrying in ${refusal.retryIn} s.` : '';
    this.advice.textContent = `${advice}${retrying}`;
    this.element.hidden = false;
  }
}
