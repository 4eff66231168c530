import type { AfterRenderPageEvent, SurveyModel } from 'survey-core';
import { focusPageHeading } from './pageFocus.js';
import { commitFocusedMaskedInput, replaceShownChoiceOnTyping } from './surveyModel.js';

/** What autosave needs of a DraftSync. */
export interface AutosaveSync {
  noteChange(): void;
  saveNow(): void;
  readonly isFailing: boolean;
}

/**
 * Connects a rendered SurveyJS model to its draft sync, as the respondent app and the console's
 * record entry page both do: an answer typed is saved once the person pauses, a page turn saves at
 * once and moves focus to the new page's heading, and hiding or leaving the page sends what is not
 * saved yet (keepalive). `isApplyingRemote` says a change is a merge of someone else's answers, not
 * one of the person's own. Returns the function that disconnects it all.
 */
export function attachAutosave(model: SurveyModel, sync: AutosaveSync, isApplyingRemote: () => boolean): () => void {
  const onValueChanged = () => {
    if (!isApplyingRemote()) sync.noteChange();
  };
  // Set when the page changes and used once the new page is in the DOM; the first page shown
  // leaves focus to the view's <h1>.
  let pageChanged = false;
  const onCurrentPageChanged = () => {
    sync.saveNow();
    pageChanged = true;
  };
  const onAfterRenderPage = (_: SurveyModel, options: AfterRenderPageEvent) => {
    if (!pageChanged) return;
    pageChanged = false;
    focusPageHeading(options.page, options.htmlElement.ownerDocument);
  };
  const flushNow = () => {
    commitFocusedMaskedInput(model, document.activeElement);
    sync.saveNow();
  };
  const onKeyDown = (event: KeyboardEvent) => replaceShownChoiceOnTyping(model, event);
  const flushOnHide = () => {
    if (document.visibilityState === 'hidden') flushNow();
  };
  // A pending save goes out with keepalive; only answers the server keeps refusing are worth a prompt.
  const warnIfUnsaved = (event: BeforeUnloadEvent) => {
    flushNow();
    if (sync.isFailing) event.preventDefault();
  };

  model.onValueChanged.add(onValueChanged);
  model.onCurrentPageChanged.add(onCurrentPageChanged);
  model.onAfterRenderPage.add(onAfterRenderPage);
  document.addEventListener('visibilitychange', flushOnHide);
  // Capture: before SurveyJS's own handler and before the key reaches the input.
  document.addEventListener('keydown', onKeyDown, true);
  window.addEventListener('pagehide', flushNow);
  window.addEventListener('beforeunload', warnIfUnsaved);
  return () => {
    model.onValueChanged.remove(onValueChanged);
    model.onCurrentPageChanged.remove(onCurrentPageChanged);
    model.onAfterRenderPage.remove(onAfterRenderPage);
    document.removeEventListener('visibilitychange', flushOnHide);
    document.removeEventListener('keydown', onKeyDown, true);
    window.removeEventListener('pagehide', flushNow);
    window.removeEventListener('beforeunload', warnIfUnsaved);
  };
}
