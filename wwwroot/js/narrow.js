// Narrow screens (a phone, a split window): the toolbar folds its sources and options behind a menu button, and long
// lines wrap unless the address says otherwise (wrap=0), since a cut line cannot be scrolled to comfortably there.

export const NARROW = matchMedia('(max-width: 600px)');

/** The menu button opens and closes the folded part of the bar (sources, levels, fields and options). */
export function foldBar(bar, button) {
  button.addEventListener('click', () => {
    const open = !bar.classList.contains('open');
    bar.classList.toggle('open', open);
    button.setAttribute('aria-expanded', String(open));
  });
}
