/** Shown on every page so a respondent always knows whom to ask. */
export const STUDY_NAME = 'National Survey of Local Prosecutors’ Offices';
export const STUDY_CONTACT_EMAIL = 'tip-study@example.org';

export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }).format(date);
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' }).format(date);
}
