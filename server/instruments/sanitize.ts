/**
 * The only markup an instrument may carry: simple emphasis, paragraphs, lists and links to https
 * or mailto. Anything else (scripts, styles, event handlers, images, forms) is refused, because
 * instrument text is rendered to respondents and copied into codebooks.
 */
const ALLOWED_TAGS = new Set(['p', 'br', 'strong', 'em', 'b', 'i', 'ul', 'ol', 'li', 'a']);
const TAG = /<\s*(\/?)\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g;
const ATTRIBUTE = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

export const containsMarkup = (text: string) => /<\s*\/?\s*[a-zA-Z][^>]*>|&[a-zA-Z#][a-zA-Z0-9]*;/.test(text);

/** What in the text the allow-list refuses; an empty list means the text is safe to render. */
export function markupProblems(text: string): string[] {
  const problems: string[] = [];
  if (/<!--|<!\[CDATA\[|<\?/.test(text)) problems.push('comments and processing instructions are not allowed');
  for (const match of text.matchAll(TAG)) {
    const [, closing, rawName, rawAttributes] = match;
    const name = (rawName as string).toLowerCase();
    if (!ALLOWED_TAGS.has(name)) {
      // The opening tag is reported; its closing tag would only say it again.
      if (!closing) problems.push(`<${name}> is not allowed`);
      continue;
    }
    const attributes = (rawAttributes as string).replace(/\/\s*$/, '').trim();
    for (const attr of attributes.matchAll(ATTRIBUTE)) {
      if (!attr[0]) continue;
      const attrName = (attr[1] as string).toLowerCase();
      const value = (attr[2] ?? attr[3] ?? attr[4] ?? '').trim();
      if (name === 'a' && attrName === 'href' && /^(https:\/\/|mailto:)[^\s<>"']+$/i.test(value)) continue;
      problems.push(`attribute ${attrName} on <${name}> is not allowed`);
    }
  }
  return [...new Set(problems)];
}
