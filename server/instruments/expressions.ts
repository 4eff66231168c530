/** Every `{name}` or `{name.part}` an expression refers to; `{panel.x}` refers inside a panel. */
export function expressionReferences(expression: string): string[] {
  return [...expression.matchAll(/\{([^{}]+)\}/g)].map((m) => (m[1] as string).trim());
}
