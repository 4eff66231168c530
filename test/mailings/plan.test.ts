import { describe, expect, it } from 'vitest';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { planInvitations } from '../../server/mailings/service.js';
import { caseOf, invitedOffice, mailEnv, sendsOf } from './setup.js';

describe('planInvitations', () => {
  it('queues one invitation per active contact and counts the others by reason', async () => {
    const m = await mailEnv({ offices: 6 });
    const at = m.env.clock().toISOString();
    const contactOf = (officeId: string) =>
      m.repos.offices.contactsOf(m.repos.cases.findCase(caseOf(m.repos, officeId))?.office_id as number)[0]
        ?.id as number;
    m.repos.cases.appendEvent(caseOf(m.repos, 'OFF-1'), 'completed', at);
    m.repos.cases.appendEvent(caseOf(m.repos, 'OFF-2'), 'declined', at);
    m.repos.cases.appendEvent(caseOf(m.repos, 'OFF-3'), 'marked_ineligible', at, null, { reason: 'closed' });
    m.repos.offices.setContactStatus(contactOf('OFF-4'), 'opted_out', at);
    m.repos.offices.setContactStatus(contactOf('OFF-5'), 'undeliverable', at);

    const plan = planInvitations(m.repos, m.fieldingId, at);

    expect(plan).toEqual({
      planned: 1,
      alreadyPlanned: 0,
      skipped: { completed: 1, refused: 1, ineligible: 1, opted_out: 1, undeliverable: 1 },
    });
    expect(sendsOf(m.env).map((s) => [s.email, s.kind, s.status])).toEqual([
      ['contact6@office6.example.org', 'invitation', 'queued'],
    ]);
  });

  it('plans nobody twice, and plans a contact added later', async () => {
    const m = await mailEnv({ offices: 2 });
    const at = m.env.clock().toISOString();
    expect(planInvitations(m.repos, m.fieldingId, at)).toMatchObject({ planned: 2, alreadyPlanned: 0 });
    expect(planInvitations(m.repos, m.fieldingId, at)).toMatchObject({ planned: 0, alreadyPlanned: 2 });
    const office = m.repos.cases.findCase(caseOf(m.repos, 'OFF-1'))?.office_id as number;
    m.repos.offices.insertContact(office, { name: 'Deputy', email: 'deputy@office1.example.org' }, at);

    expect(planInvitations(m.repos, m.fieldingId, at)).toMatchObject({ planned: 1, alreadyPlanned: 2 });
    expect(sendsOf(m.env)).toHaveLength(3);
  });

  it('counts the same on a dry run and writes nothing', async () => {
    const m = await mailEnv({ offices: 3 });
    const plan = planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString(), { dryRun: true });
    expect(plan).toEqual({ planned: 3, alreadyPlanned: 0, skipped: {} });
    expect(sendsOf(m.env)).toEqual([]);
  });
});

describe('repos.mailings.enqueue (the reminders and thank-you contract)', () => {
  it('is true once per case, contact, kind and number', async () => {
    const m = await mailEnv({ offices: 1 });
    planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString());
    const [send] = sendsOf(m.env);
    const base = { fieldingId: m.fieldingId, caseId: send?.case_id as number, contactId: send?.contact_id as number };
    const at = m.env.clock().toISOString();
    expect(m.repos.mailings.enqueue({ ...base, kind: 'reminder', number: 1, at })).toBe(true);
    expect(m.repos.mailings.enqueue({ ...base, kind: 'reminder', number: 1, at })).toBe(false);
    expect(m.repos.mailings.enqueue({ ...base, kind: 'reminder', number: 2, at })).toBe(true);
    expect(m.repos.mailings.enqueue({ ...base, kind: 'invitation', number: 0, at })).toBe(false);
  });

  it('sends a thank-you to a completed case, and cancels a reminder to it', async () => {
    const m = await invitedOffice();
    const { base } = m;
    const at = m.env.clock().toISOString();
    m.repos.cases.appendEvent(base.caseId, 'completed', at);
    m.repos.mailings.enqueue({ ...base, kind: 'reminder', number: 1, at });
    m.repos.mailings.enqueue({ ...base, kind: 'thank_you', number: 0, at });

    const progress = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['reminder', 'thank_you'] });

    expect(progress).toMatchObject({ sent: 1, cancelled: 1 });
    expect(sendsOf(m.env).map((s) => [s.kind, s.status])).toEqual([
      ['invitation', 'sent'],
      ['reminder', 'cancelled'],
      ['thank_you', 'sent'],
    ]);
    expect(m.smtp.received).toHaveLength(2);
  });
});
