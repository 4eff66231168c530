import { describe, expect, it } from 'vitest';
import { type CaseEvent, finalDisposition } from '../../server/cases/disposition.js';
import { DEFAULT_THRESHOLDS } from '../../server/contracts/dispositions.js';

const e = (type: string, detail?: Record<string, unknown>): CaseEvent => ({ type, ...(detail ? { detail } : {}) });
const issued = [e('case_created'), e('token_issued')];
const invited = [...issued, e('email_sent', { kind: 'invitation' })];
const started = [...invited, e('link_opened'), e('consented'), e('page_saved')];

describe('finalDisposition', () => {
  it.each([
    ['no invitation', [e('case_created')], undefined, '3.11'],
    // Issuing the links file invites nobody: only a message sent, a letter printed or staff's record does.
    ['links issued, nothing sent', issued, undefined, '3.11'],
    [
      'links issued for an email that was never accepted',
      [...issued, e('token_issued', { purpose: 'invitation' })],
      undefined,
      '3.11',
    ],
    ['invited, never opened', invited, undefined, '3.19'],
    ['invited by email only, never opened', [e('case_created'), e('email_sent')], undefined, '3.19'],
    [
      'invited by a printed letter, never opened',
      [...issued, e('token_issued', { purpose: 'letter' })],
      undefined,
      '3.19',
    ],
    ['links handed out, as staff recorded', [...issued, e('marked_invited', { on: '2027-02-01' })], undefined, '3.19'],
    ['every address bounced', [...invited, e('email_sent'), e('email_bounced'), e('undeliverable')], undefined, '3.30'],
    [
      'every address bounced, then staff added a contact',
      [...invited, e('undeliverable'), e('contact_added'), e('email_sent')],
      undefined,
      '3.19',
    ],
    ['every address bounced, but the link was opened', [...invited, e('undeliverable'), e('link_opened')], 0, '2.12'],
    ['opted out from an email', [...invited, e('email_sent'), e('opted_out')], undefined, '2.11'],
    ['opened, nothing answered', [...invited, e('link_opened')], undefined, '2.12'],
    ['started, 20% answered', started, 0.2, '2.12'],
    ['started, 50% answered', started, 0.5, '1.2'],
    ['started, 90% answered, not submitted', started, 0.9, '1.2'],
    ['submitted with 80% answered', [...started, e('completed')], 0.8, '1.1'],
    ['submitted with 79% answered', [...started, e('completed')], 0.79, '1.2'],
    ['submitted with 30% answered', [...started, e('completed')], 0.3, '2.12'],
    ['declined consent', [...invited, e('link_opened'), e('declined', { reason: 'consent_declined' })], 0, '2.11'],
    ['consent withdrawn after 90% answered', [...started, e('declined', { reason: 'consent_declined' })], 0.9, '2.11'],
    ['declined without withdrawing consent after 60% answered', [...started, e('declined')], 0.6, '1.2'],
    [
      'refusal by phone, never opened',
      [...invited, e('marked_refused', { reason: 'called the PI' })],
      undefined,
      '2.11',
    ],
    ['refusal by phone after 60% answered', [...started, e('marked_refused', { reason: 'no time' })], 0.6, '1.2'],
    [
      'ineligible, even after completing',
      [...started, e('completed'), e('marked_ineligible', { reason: 'merged' })],
      1,
      '4.10',
    ],
  ] as const)('%s → %s', (_case, events, pct, code) => {
    expect(finalDisposition(events, DEFAULT_THRESHOLDS, pct).code).toBe(code);
  });

  it('keeps the reason of a refusal or an ineligibility staff recorded', () => {
    expect(finalDisposition([...invited, e('marked_refused', { reason: 'called the PI' })])).toEqual({
      code: '2.11',
      label: 'Refusal',
      reason: 'called the PI',
    });
    expect(finalDisposition([...invited, e('marked_ineligible', { reason: 'office closed in 2015' })]).reason).toBe(
      'office closed in 2015',
    );
  });

  it("follows the fielding's thresholds", () => {
    const strict = { complete: 0.95, partial: 0.7 };
    const submitted = [...started, e('completed')];

    expect(finalDisposition(submitted, strict, 0.9).code).toBe('1.2');
    expect(finalDisposition(submitted, strict, 0.6).code).toBe('2.12');
  });
});
