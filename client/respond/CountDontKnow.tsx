import { cloneElement, createElement, type JSX } from 'react';
import { RendererFactory } from 'survey-core';
import { ReactQuestionFactory, SurveyQuestionText } from 'survey-react-ui';
import { DONT_KNOW_RENDERER, isDontKnow, setDontKnow } from './dontKnow.js';

const COMPONENT = 'fk-count-dont-know';

/**
 * SurveyJS's own number input plus a "Don't know" toggle. A toggle button rather than a checkbox,
 * because in a multiple-text question SurveyJS wraps each item in a <label>, and a second labelled
 * control inside it would be invalid and would steal the item's clicks.
 */
class SurveyQuestionCountDontKnow extends SurveyQuestionText {
  protected override getValueCore(): unknown {
    return isDontKnow(this.question) ? '' : super.getValueCore();
  }

  protected override renderInput(): JSX.Element {
    const input = super.renderInput();
    if (!isDontKnow(this.question) || input.type !== 'input') return input;
    return cloneElement(input, { disabled: true, placeholder: undefined });
  }

  protected override renderElement(): JSX.Element {
    const question = this.question;
    const pressed = isDontKnow(question);
    const context = question.a11y_input_ariaLabel || question.processedTitle;
    return (
      <div className="fk-count">
        {super.renderElement()}
        <button
          type="button"
          className="fk-dk"
          aria-pressed={pressed}
          aria-label={`Don’t know: ${context}`}
          disabled={this.isDisplayMode}
          onClick={() => setDontKnow(question, !pressed)}
        >
          <span className="fk-dk__box" aria-hidden="true">
            {pressed ? '✓' : ''}
          </span>
          Don’t know
        </button>
      </div>
    );
  }
}

export function registerCountDontKnowRenderer(): void {
  ReactQuestionFactory.Instance.registerQuestion(COMPONENT, (props) =>
    createElement(SurveyQuestionCountDontKnow, props),
  );
  RendererFactory.Instance.registerRenderer('text', DONT_KNOW_RENDERER, COMPONENT);
}
