import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { ThankYouTo } from '../../server/contracts/mailings.js';
import { DEFAULT_MAIL_SETTINGS } from '../../server/fieldings/repo.js';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { planThankYous } from '../../server/reminders/plan.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { frameRow } from '../factories/frame.js';
import { mailEnv } from '../mailings/setup.js';
import { parseMail } from '../support/smtp.js';
import { deliveries, sendInvitations } from './setup.js';

const DANA = 'dana@adams.example.org';
const LEE = 'lee@adams.example.org';

/**
 * One office with two contacts, both invited; Lee submits from the link of Lee's invitation, and the
 * thank-yous due are planned and sent with the fielding's `thankYouTo`.
 */
async function thankedAfterLeeSubmits(thankYouTo?: ThankYouTo) {
  const m = await mailEnv({
    rows: [
      frameRow(1, { office_name: 'Adams County DA', contact_name: 'Dana Reyes', contact_email: DANA }),
      frameRow(1, { office_name: 'Adams County DA', contact_name: 'Lee Moss', contact_email: LEE }),
    ],
  });
  m.repos.fieldings.saveMailSettings(
    m.fieldingId,
    { ...DEFAULT_MAIL_SETTINGS, thankYouEnabled: true, ...(thankYouTo ? { thankYouTo } : {}) },
    m.env.clock().toISOString(),
  );
  await sendInvitations(m);
  const toLee = m.smtp.received.find((r) => r.envelopeTo.includes(LEE));
  const token = /\/s\/([A-Za-z0-9_-]{32})/.exec(parseMail(toLee?.raw ?? '').text ?? '')?.[1];
  await request(m.env.app)
    .post(`/api/respond/${token}/complete`)
    .send({ answers: chargedOfficeAnswers(), revision: 0 })
    .expect(200);
  const planned = planThankYous(m.repos, m.fieldingId, m.env.clock());
  await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['thank_you'] });
  return {
    planned,
    thanked: deliveries(m)
      .filter((d) => d.kind === 'thank_you')
      .map((d) => d.to),
  };
}

describe('who is thanked', () => {
  it('is the contact whose link submitted, by default, not the office’s other contacts', async () => {
    expect(DEFAULT_MAIL_SETTINGS.thankYouTo).toBe('submitter');
    expect(await thankedAfterLeeSubmits()).toEqual({ planned: 1, thanked: [LEE] });
  });

  it('is every active contact of the office when the fielding’s setting says so', async () => {
    const { planned, thanked } = await thankedAfterLeeSubmits('all');
    expect(planned).toBe(2);
    expect([...thanked].sort()).toEqual([DANA, LEE]);
  });
});
