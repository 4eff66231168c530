import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import type { MailingRunner } from '../../server/mailings/runner.js';
import { planInvitations } from '../../server/mailings/service.js';
import type { TestSmtpServer } from '../support/smtp.js';
import { mailEnv, sendsOf } from './setup.js';

const INVITATIONS = ['invitation'] as const;
const DAY = 24 * 60 * 60_000;

const receivedPerAddress = (smtp: TestSmtpServer) => {
  const perAddress = new Map<string, number>();
  for (const r of smtp.received) for (const a of r.envelopeTo) perAddress.set(a, (perAddress.get(a) ?? 0) + 1);
  return perAddress;
};

async function untilIdle(runner: MailingRunner, fieldingId: number) {
  for (let i = 0; i < 400 && runner.isRunning(fieldingId); i++) await new Promise((r) => setTimeout(r, 25));
  expect(runner.isRunning(fieldingId)).toBe(false);
}

describe('a wave of invitations stopped mid-way', () => {
  it('resumes when the next server starts, and every contact gets exactly one invitation', async () => {
    let stopped: Promise<void> | undefined;
    let first: MailingRunner | undefined;
    // SIGTERM arrives while the second message is in the SMTP server's hands.
    const m = await mailEnv({
      offices: 8,
      onData: (n) => {
        if (n === 2) stopped = first?.stop();
      },
    });
    planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString());
    first = m.env.app.locals.mailings as MailingRunner;

    first.start(m.fieldingId, INVITATIONS);
    await untilIdle(first, m.fieldingId);
    await stopped;
    const afterStop = sendsOf(m.env).map((s) => s.status);
    expect(afterStop.filter((s) => s === 'sent').length).toBeGreaterThanOrEqual(2);
    expect(afterStop.filter((s) => s === 'queued').length).toBeGreaterThan(0);
    expect(afterStop.filter((s) => s !== 'sent' && s !== 'queued')).toEqual([]);

    // The restarted server: a new app over the same database resumes the queued wave by itself.
    const second = createApp(m.env).locals.mailings as MailingRunner;
    expect(second.resume()).toEqual([{ id: m.fieldingId, name: 'pilot' }]);
    await untilIdle(second, m.fieldingId);

    expect(sendsOf(m.env).map((s) => s.status)).toEqual(Array(8).fill('sent'));
    expect(m.smtp.received).toHaveLength(8);
    expect([...receivedPerAddress(m.smtp).values()]).toEqual(Array(8).fill(1));
    expect(second.resume()).toEqual([]);
  });

  it('marks a message the mail server does not answer within the grace after a stop as interrupted, and never resends it', async () => {
    const controller = new AbortController();
    const m = await mailEnv({ offices: 1, dataDelayMs: 3_000, onData: () => controller.abort() });
    planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString());

    const progress = await dispatchQueued(m.ctx, {
      fieldingId: m.fieldingId,
      kinds: INVITATIONS,
      signal: controller.signal,
      stopGraceMs: 200,
    });

    expect(progress).toMatchObject({ sent: 0, interrupted: 1 });
    expect(sendsOf(m.env).map((s) => s.status)).toEqual(['interrupted']);
    // The next run (a restart, `fieldkit invite` again) leaves it alone: it may have arrived.
    const again = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });
    expect(again).toMatchObject({ total: 0, sent: 0 });
    expect(m.smtp.offered).toHaveLength(1);
  });
});

describe('a pace slot and claims written by a clock set days ahead', () => {
  it('moves the slot back to now with a logged warning, sends at the pace, and marks the future claim interrupted', async () => {
    const m = await mailEnv({ offices: 3 });
    planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString());
    const ahead = new Date(m.env.clock().getTime() + 8 * DAY);
    m.env.db
      .prepare('INSERT INTO mail_pacing (fielding_id, next_slot_at) VALUES (?, ?)')
      .run(m.fieldingId, ahead.getTime());
    const [claimed] = sendsOf(m.env);
    m.env.db
      .prepare("UPDATE email_sends SET status = 'sending', attempts = 1, started_at = ? WHERE id = ?")
      .run(ahead.toISOString(), claimed?.id);

    const progress = await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: INVITATIONS });

    expect(progress).toMatchObject({ sent: 2, interrupted: 1 });
    // 120 a minute: half a second between messages, never the eight days.
    expect(Math.max(0, ...m.sleeps)).toBeLessThanOrEqual(500);
    expect(m.env.logger.lines).toContainEqual(
      `ERROR mailings: fielding ${m.fieldingId}: the next send slot was ${ahead.toISOString()}, 11520 minute(s) ahead (written by a clock set ahead); moved back to now`,
    );
    expect(sendsOf(m.env).map((s) => s.status)).toEqual(['interrupted', 'sent', 'sent']);
    expect(m.smtp.received).toHaveLength(2);
  });
});
