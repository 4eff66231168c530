import { describe, expect, it } from 'vitest';
import { linkOrigin } from '../../client/console/linkOrigin.js';

const at = '2026-03-02T14:05:09.000Z';
const issued = '2026-03-01T09:00:00.000Z';

describe('linkOrigin: the case page’s line for where a link went', () => {
  it('names the message that carried it and when it was sent, a reminder with its number', () => {
    expect(linkOrigin({ via: 'invitation', viaNumber: null, sentAt: at, createdAt: issued })).toBe(
      'Invitation email, sent 2026-03-02 14:05 UTC',
    );
    expect(linkOrigin({ via: 'reminder', viaNumber: 2, sentAt: at, createdAt: issued })).toBe(
      'Reminder 2 email, sent 2026-03-02 14:05 UTC',
    );
    expect(linkOrigin({ via: 'thank_you', viaNumber: null, sentAt: at, createdAt: issued })).toBe(
      'Thank-you email, sent 2026-03-02 14:05 UTC',
    );
  });

  it('says when a letter’s or staff’s link was issued, and that an email’s was not sent', () => {
    expect(linkOrigin({ via: 'letter', viaNumber: null, sentAt: null, createdAt: issued })).toBe(
      'Postal letter, issued 2026-03-01 09:00 UTC',
    );
    expect(linkOrigin({ via: 'staff', viaNumber: null, sentAt: null, createdAt: issued })).toBe(
      'Issued by staff 2026-03-01 09:00 UTC',
    );
    expect(linkOrigin({ via: 'reminder', viaNumber: 1, sentAt: null, createdAt: issued })).toBe(
      'Reminder 1 email, issued 2026-03-01 09:00 UTC, not sent',
    );
  });
});
