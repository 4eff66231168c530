import type { ItemValue, Question, QuestionMatrixModel, SurveyModel } from 'survey-core';

function choiceLabel(question: Question | null, code: string, row?: string): string | undefined {
  if (!question) return undefined;
  const type = question.getType();
  const items: ItemValue[] | undefined =
    type === 'matrix' && row !== undefined
      ? ((question as QuestionMatrixModel).columns as ItemValue[])
      : (question.getPropertyValue('choices') as ItemValue[] | undefined);
  const found = items?.find((item) => String(item.value) === code);
  return found ? found.text : undefined;
}

/**
 * A SurveyJS expression as an analyst reads it: `{b2_anycase} = 1` becomes
 * `b2_anycase = 1 ("Yes")`, `{b6_altchg} notcontains 10` becomes `b6_altchg does not include 10 ("None")`.
 */
export function readableCondition(model: SurveyModel, expression: string): string {
  const label = (ref: string, code: string) => {
    const [name, row] = ref.split('.');
    const text = choiceLabel(model.getQuestionByName(name as string) as Question | null, code, row);
    return text ? ` ("${text}")` : '';
  };
  return expression
    .replace(/\{([^{}]+)\}\s*(=|==|<>|!=)\s*'?(-?\d+)'?/g, (_m, ref: string, op: string, code: string) => {
      const words = op === '=' || op === '==' ? '=' : '≠';
      return `${ref.trim()} ${words} ${code}${label(ref.trim(), code)}`;
    })
    .replace(
      /\{([^{}]+)\}\s*(notcontains|contains|anyof|allof)\s*(\[[^\]]*\]|'?-?\d+'?)/g,
      (_m, ref: string, op: string, raw: string) => {
        const code = raw.replace(/'/g, '');
        const words = {
          contains: 'includes',
          notcontains: 'does not include',
          anyof: 'is any of',
          allof: 'includes all of',
        }[op];
        return `${ref.trim()} ${words} ${code}${/^-?\d+$/.test(code) ? label(ref.trim(), code) : ''}`;
      },
    )
    .replace(/\{([^{}]+)\}\s*notempty/g, '$1 is answered')
    .replace(/\{([^{}]+)\}\s*empty/g, '$1 is not answered')
    .replace(/\{([^{}]+)\}/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
