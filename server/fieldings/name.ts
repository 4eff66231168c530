/**
 * What is wrong with a fielding's name, or undefined. A name appears in URLs
 * (`/api/staff/fieldings/:name`), file names (`<name>-links.csv`, export zips), terminal output and
 * the console, so it may not hold what would change how any of those read: a slash or URL
 * delimiter, a control character (a terminal runs ESC sequences), a bidirectional-text control
 * (U+202E makes `wave1<U+202E>vsc.exe` show as `wave1exe.csv`), or only dots (`.` and `..` name
 * folders).
 */
export function fieldingNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is required';
  if (name.length > 100) return 'may be at most 100 characters';
  if (name.trim() !== name) return 'may not start or end with a space';
  const control = CONTROL.exec(name)?.[0];
  if (control) return `may not contain control characters (${codePoint(control)} found)`;
  const bidi = BIDI.exec(name)?.[0];
  if (bidi) return `may not contain bidirectional-text controls (${codePoint(bidi)} found)`;
  if (/^\.+$/.test(name)) return 'may not be only dots';
  if (/[/\\?#%]/.test(name)) return 'may not contain / \\ ? # or %';
  return undefined;
}

// C0, DEL and C1 controls, and the line and paragraph separators.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
// The bidirectional marks, embeddings, overrides and isolates.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The name in quotes for a message, with every control written as \uXXXX so a terminal shows it inert. */
export function quotedFieldingName(name: string): string {
  return JSON.stringify(name).replace(
    new RegExp(`${CONTROL.source}|${BIDI.source}`, 'gu'),
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
