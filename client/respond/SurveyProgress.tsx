import { useEffect, useReducer, useRef } from 'react';
import type { PageModel, ScrollToTopEvent, SurveyModel } from 'survey-core';

type StepState = 'current' | 'done' | 'todo';

const STEP_STATE_TEXT: Record<StepState, string> = {
  current: 'current page',
  done: 'done',
  todo: 'not visited yet',
};

/**
 * Where the person is: "Page 3 of 9" and one step per page that is current, done or not visited yet.
 * It replaces SurveyJS 3.0.0's page progress, which draws every page as passed whether visited or
 * not, gives no count, and shows only three steps on a phone.
 */
export function SurveyProgress({ model }: { model: SurveyModel }) {
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  // A resumed survey opens on its saved page: the pages before it were passed to get there.
  const visited = useRef<Set<PageModel> | null>(null);
  visited.current ??= new Set(model.visiblePages.slice(0, model.currentPageNo + 1));
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const onPageChanged = () => {
      if (model.currentPage) visited.current?.add(model.currentPage);
      refresh();
    };
    // An answer can show or hide pages (consent opens the rest of the survey).
    const onPagesChanged = () => refresh();
    // SurveyJS scrolls a new page's top into view, which would leave the progress above it unseen.
    const onScrollToTop = (_: SurveyModel, options: ScrollToTopEvent) => {
      if (!options.element.isPage || !box.current) return;
      options.allow = false;
      box.current.scrollIntoView({ block: 'start' });
    };
    model.onScrollToTop.add(onScrollToTop);
    model.onCurrentPageChanged.add(onPageChanged);
    model.onValueChanged.add(onPagesChanged);
    model.onPageVisibleChanged.add(onPagesChanged);
    return () => {
      model.onCurrentPageChanged.remove(onPageChanged);
      model.onValueChanged.remove(onPagesChanged);
      model.onPageVisibleChanged.remove(onPagesChanged);
      model.onScrollToTop.remove(onScrollToTop);
    };
  }, [model]);

  const pages = model.visiblePages;
  const current = model.currentPage;
  // One page is no journey: a count of "1 of 1" or a single step would say nothing.
  if (pages.length < 2 || !current) return null;
  const stateOf = (page: PageModel): StepState =>
    page === current ? 'current' : visited.current?.has(page) ? 'done' : 'todo';
  return (
    <div className="fk-progress" ref={box}>
      <p className="fk-progress__count">
        {model.getLocalizationFormatString('progressText', pages.indexOf(current) + 1, pages.length)}
      </p>
      <ol className="fk-progress__steps" aria-label="Survey sections">
        {pages.map((page) => {
          const state = stateOf(page);
          return (
            <li
              key={page.name}
              className={`fk-progress__step fk-progress__step--${state}`}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              <span className="fk-visually-hidden">
                {page.processedTitle || page.name} ({STEP_STATE_TEXT[state]})
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
