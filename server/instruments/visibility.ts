import type { Question } from 'survey-core';

type Element = { visibleIf?: string; visible?: boolean; parent?: unknown; parentQuestion?: unknown };

/** The logic that decides whether a question is shown, as both the codebook and the exports read it. */
export type Visibility = {
  /** The visibleIf conditions of the question and of every panel, page or repeating panel around it, outermost first. */
  conditions: string[];
  /** Whether the question or anything around it is hidden with no condition that could show it. */
  hiddenOutright: boolean;
};

export function visibilityOf(question: Question): Visibility {
  const conditions: string[] = [];
  let hiddenOutright = false;
  const seen = new Set<unknown>();
  let element: Element | undefined = question as unknown as Element;
  while (element && !seen.has(element)) {
    seen.add(element);
    if (element.visibleIf) conditions.unshift(element.visibleIf);
    if (element.visible === false && !element.visibleIf) hiddenOutright = true;
    element = (element.parent ?? element.parentQuestion) as Element | undefined;
  }
  return { conditions, hiddenOutright };
}
