import type { CaseLink } from './api.js';
import { formatTime } from './ui.js';

const MESSAGE: Record<Exclude<CaseLink['via'], 'reminder' | 'staff' | 'letter'>, string> = {
  invitation: 'Invitation email',
  thank_you: 'Thank-you email',
};

/**
 * Where a link went and when, for the case page: "Reminder 2 email, sent 2026-03-02 14:05 UTC".
 * Only the kind of message and the times: nothing of the link or its code, not even a part.
 */
export function linkOrigin(link: Pick<CaseLink, 'via' | 'viaNumber' | 'sentAt' | 'createdAt'>): string {
  if (link.via === 'staff') return `Issued by staff ${formatTime(link.createdAt)}`;
  if (link.via === 'letter') return `Postal letter, issued ${formatTime(link.createdAt)}`;
  const message =
    link.via === 'reminder'
      ? `Reminder${link.viaNumber === null ? '' : ` ${link.viaNumber}`} email`
      : MESSAGE[link.via];
  // An email not (yet) accepted by the mail server: its link exists but did not go out.
  return link.sentAt === null
    ? `${message}, issued ${formatTime(link.createdAt)}, not sent`
    : `${message}, sent ${formatTime(link.sentAt)}`;
}
