import type { PageModel } from 'survey-core';

/**
 * Moves focus to a page's heading after the person moves to another page, so a screen reader reads
 * its title and the next Tab reaches its first question. Without this, focus stays on the Next
 * button far below the new page's top, or falls to <body> when that button goes away (back on the
 * first page, or onto the last, where Complete replaces Next). A page without a title of its own
 * gives focus to the view's <h1>.
 */
export function focusPageHeading(page: PageModel, pageElement: HTMLElement): void {
  const document = pageElement.ownerDocument;
  const title = page.hasTitle ? document.getElementById(page.ariaTitleId) : null;
  const heading = title ?? pageElement.closest('main')?.querySelector('h1') ?? null;
  if (!(heading instanceof HTMLElement)) return;
  // Reachable by script only, so it is not one more stop for Tab.
  heading.tabIndex = -1;
  // SurveyProgress scrolls the progress above the heading into view; focusing must not scroll past it.
  heading.focus({ preventScroll: true });
}
