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

/**
 * The text with everything the allow-list refuses taken out, for rendering an instrument written
 * elsewhere: scripts, styles and comments go with their content; other refused tags go and their
 * text stays; refused attributes go. The checker warns about each (see checkMarkup).
 */
export function stripDisallowedMarkup(text: string): string {
  return text
    .replace(/<\s*(script|style|template|iframe|object)\b[^>]*>[\s\S]*?<\s*\/\s*\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g, '')
    .replace(TAG, (_tag, closing: string, rawName: string, rawAttributes: string) => {
      const name = rawName.toLowerCase();
      if (!ALLOWED_TAGS.has(name)) return '';
      if (closing) return `</${name}>`;
      const kept: string[] = [];
      for (const attr of rawAttributes.replace(/\/\s*$/, '').matchAll(ATTRIBUTE)) {
        if (!attr[0]) continue;
        const value = (attr[2] ?? attr[3] ?? attr[4] ?? '').trim();
        if (
          name === 'a' &&
          (attr[1] as string).toLowerCase() === 'href' &&
          /^(https:\/\/|mailto:)[^\s<>"']+$/i.test(value)
        ) {
          kept.push(` href="${value}"`);
        }
      }
      return `<${name}${kept.join('')}>`;
    });
}

/** A copy of a survey's JSON whose every string is safe to render (see stripDisallowedMarkup). */
export function renderableSurvey<T>(node: T): T {
  if (typeof node === 'string') return (containsMarkup(node) ? stripDisallowedMarkup(node) : node) as T;
  if (Array.isArray(node)) return node.map((child) => renderableSurvey(child)) as T;
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, renderableSurvey(v)])) as T;
  }
  return node;
}
