import type { PageModel } from 'survey-core';

/**
 * Moves focus to the heading of the page the person is on, so a screen reader reads its title and
 * the next Tab reaches its first question. Used after a page change, where focus would otherwise
 * stay on the Next button far below the new page's top, or fall to <body> when that button goes
 * away (back on the first page, or onto the last, where Complete replaces Next); and when a notice
 * whose button had focus goes away. A page without a title of its own gives focus to the view's <h1>.
 */
export function focusPageHeading(page: PageModel, document: Document): void {
  const title = page.hasTitle ? document.getElementById(page.ariaTitleId) : null;
  const heading = title ?? document.querySelector('main h1');
  if (!(heading instanceof HTMLElement)) return;
  // Reachable by script only, so it is not one more stop for Tab.
  heading.tabIndex = -1;
  // SurveyProgress scrolls the progress above the heading into view; focusing must not scroll past it.
  heading.focus({ preventScroll: true });
}
