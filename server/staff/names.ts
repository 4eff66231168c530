/**
 * A staff member's initials, as record headers carry them: the first letter of each word of the
 * full name ("Maria de Lopez" -> "MDL"), or, with no name set, the first two letters of the email's
 * local part ("jsmith@..." -> "JS").
 */
export function initialsOf(account: { full_name: string; email: string }): string {
  const words = account.full_name.trim().split(/\s+/u).filter(Boolean);
  if (words.length > 0)
    return words
      .map((w) => [...w][0] ?? '')
      .join('')
      .toLocaleUpperCase('en-US');
  const local = account.email.split('@')[0] ?? '';
  return [...local].slice(0, 2).join('').toLocaleUpperCase('en-US');
}
