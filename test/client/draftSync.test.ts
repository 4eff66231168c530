import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiResult, DraftBody, FinishState, Saved } from '../../client/respond/api.js';
import type { DraftBackup } from '../../client/respond/draftBackup.js';
import { DraftSync, type SaveStatus, type StopReason } from '../../client/respond/draftSync.js';
import type { Answers } from '../../client/respond/merge.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A transport whose requests stay pending until the test answers them, in order. */
function fakeTransport() {
  const drafts: Array<{ body: DraftBody; reply: Deferred<ApiResult<Saved>> }> = [];
  const completions: Array<{ body: { answers: Answers; revision: number }; reply: Deferred<ApiResult<FinishState>> }> =
    [];
  return {
    drafts,
    completions,
    transport: {
      saveDraft(body: DraftBody) {
        const reply = deferred<ApiResult<Saved>>();
        drafts.push({ body: structuredClone(body), reply });
        return reply.promise;
      },
      complete(body: { answers: Answers; revision: number }) {
        const reply = deferred<ApiResult<FinishState>>();
        completions.push({ body: structuredClone(body), reply });
        return reply.promise;
      },
    },
  };
}

function setup(initial: { answers?: Answers; page?: number; revision?: number; unconfirmed?: Answers } = {}) {
  const start = {
    answers: initial.answers ?? {},
    page: initial.page ?? 0,
    revision: initial.revision ?? 1,
    unconfirmed: initial.unconfirmed,
  };
  const local = { answers: structuredClone(start.answers), page: start.page };
  const statuses: SaveStatus[] = [];
  const conflicts: Array<{ keys: string[]; theirs: Answers }> = [];
  const stops: StopReason[] = [];
  const applied: Answers[] = [];
  const backups: Array<DraftBackup | undefined> = [];
  const fake = fakeTransport();
  const sync = new DraftSync(
    fake.transport,
    {
      readLocal: () => ({ answers: structuredClone(local.answers), page: local.page }),
      applyMerged: (answers) => {
        applied.push(answers);
        local.answers = structuredClone(answers);
      },
      keepBackup: (backup) => backups.push(structuredClone(backup)),
    },
    {
      onStatus: (status) => statuses.push(status),
      onConflicts: (keys, theirs) => conflicts.push({ keys, theirs }),
      onStopped: (reason) => stops.push(reason),
    },
    start,
    { now: () => new Date('2026-03-02T10:42:00Z') },
  );
  const answer = (key: string, value: unknown) => {
    local.answers = { ...local.answers, [key]: value };
    sync.noteChange();
  };
  return { sync, local, statuses, conflicts, stops, applied, backups, answer, ...fake };
}

const saved = (revision: number, savedAt = '2026-03-02T10:42:00Z'): ApiResult<Saved> => ({
  ok: true,
  value: { revision, savedAt },
});

/** Let resolved promises run their continuations. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('DraftSync autosave', () => {
  it('waits 1.5 s after the last answer and then sends the latest answers once', async () => {
    const { answer, drafts } = setup();
    answer('a1_role', 1);
    await vi.advanceTimersByTimeAsync(1000);
    answer('a1_role', 2);
    await vi.advanceTimersByTimeAsync(1499);
    expect(drafts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(drafts.map((d) => d.body)).toEqual([{ answers: { a1_role: 2 }, page: 0, revision: 1 }]);
  });

  it('saves at once on a page change, skipping the pending debounce', async () => {
    const { sync, local, answer, drafts } = setup();
    answer('a1_role', 1);
    local.page = 1;
    sync.saveNow();
    await settle();
    expect(drafts.map((d) => d.body)).toEqual([{ answers: { a1_role: 1 }, page: 1, revision: 1 }]);
    drafts[0]?.reply.resolve(saved(2));
    await vi.advanceTimersByTimeAsync(5000);
    expect(drafts).toHaveLength(1);
  });

  it('keeps one request in flight and sends only the newest state after it returns', async () => {
    const { sync, local, answer, drafts, statuses } = setup();
    answer('a1_role', 1);
    sync.saveNow();
    await settle();
    answer('a2_years', 3);
    sync.saveNow();
    local.page = 2;
    sync.saveNow();
    await settle();
    expect(drafts).toHaveLength(1);
    drafts[0]?.reply.resolve(saved(2));
    await settle();
    expect(drafts).toHaveLength(2);
    expect(drafts[1]?.body).toEqual({ answers: { a1_role: 1, a2_years: 3 }, page: 2, revision: 2 });
    drafts[1]?.reply.resolve(saved(3, '2026-03-02T10:43:00Z'));
    await settle();
    expect(statuses.at(-1)).toEqual({ kind: 'saved', savedAt: '2026-03-02T10:43:00Z' });
  });

  it('does not send anything when nothing changed since the last save', async () => {
    const { sync, drafts } = setup({ answers: { a1_role: 1 }, page: 1 });
    sync.saveNow();
    sync.noteChange();
    await vi.advanceTimersByTimeAsync(5000);
    expect(drafts).toHaveLength(0);
  });

  it('retries with growing waits when the network or server fails, then reports the save', async () => {
    const { sync, answer, drafts, statuses } = setup();
    answer('a1_role', 1);
    sync.saveNow();
    await settle();
    drafts[0]?.reply.resolve({ ok: false, failure: { kind: 'unavailable' } });
    await settle();
    expect(statuses.at(-1)).toEqual({ kind: 'retrying' });
    expect(sync.isFailing).toBe(true);
    await vi.advanceTimersByTimeAsync(999);
    expect(drafts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(drafts).toHaveLength(2);
    drafts[1]?.reply.resolve({ ok: false, failure: { kind: 'unavailable' } });
    await vi.advanceTimersByTimeAsync(1999);
    expect(drafts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(drafts).toHaveLength(3);
    drafts[2]?.reply.resolve(saved(2));
    await settle();
    expect(statuses.at(-1)).toEqual({ kind: 'saved', savedAt: '2026-03-02T10:42:00Z' });
    expect(sync.isFailing).toBe(false);
  });

  it('waits at least as long as a 429 asks before retrying', async () => {
    const { sync, answer, drafts } = setup();
    answer('a1_role', 1);
    sync.saveNow();
    await settle();
    drafts[0]?.reply.resolve({ ok: false, failure: { kind: 'too_many_requests', retryAfterSeconds: 20 } });
    await vi.advanceTimersByTimeAsync(19_999);
    expect(drafts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(drafts).toHaveLength(2);
  });

  it('shows a refused save without retrying the same body', async () => {
    const { sync, answer, drafts, statuses } = setup();
    answer('a1_role', 1);
    sync.saveNow();
    await settle();
    drafts[0]?.reply.resolve({ ok: false, failure: { kind: 'invalid_input', message: 'Answers are too large.' } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(drafts).toHaveLength(1);
    expect(statuses.at(-1)).toEqual({ kind: 'failed', message: 'Answers are too large.' });
  });

  it('stops for good when the response was completed elsewhere', async () => {
    const { sync, answer, drafts, stops } = setup();
    answer('a1_role', 1);
    sync.saveNow();
    await settle();
    drafts[0]?.reply.resolve({ ok: false, failure: { kind: 'closed', status: 'completed' } });
    await settle();
    expect(stops).toEqual(['completed']);
    answer('a1_role', 2);
    sync.saveNow();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(drafts).toHaveLength(1);
  });
});

describe('DraftSync when the fielding closes while the person answers (410 fielding_closed)', () => {
  const closed = {
    kind: 'fielding_closed' as const,
    closedAt: '2026-03-02T00:00:00.000Z',
    savedAt: '2026-03-01T16:05:00.000Z',
    study: { name: 'Study', contactEmail: '', header: '', footer: '' },
  };

  it('stops saving for good and hands on when it closed and when the answers were last saved', async () => {
    const { sync, answer, drafts, stops, backups } = setup();
    answer('a1_role', 1);
    sync.saveNow();
    await settle();
    drafts[0]?.reply.resolve({ ok: false, failure: closed });
    await settle();
    expect(stops).toEqual([closed]);
    // Nothing can be saved any more, so nothing is kept for a reload.
    expect(backups.at(-1)).toBeUndefined();
    answer('a1_role', 2);
    sync.saveNow();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(drafts).toHaveLength(1);
  });

  it('reports a submission refused because the fielding closed', async () => {
    const { sync, completions } = setup({ answers: { a1_role: 1 } });
    const outcome = sync.complete();
    await settle();
    completions[0]?.reply.resolve({ ok: false, failure: closed });
    await expect(outcome).resolves.toEqual({ kind: 'stopped', reason: closed });
  });
});

describe('DraftSync when a colleague saved in between (409 stale_revision)', () => {
  it('merges three ways, shows the merge, reports conflicts and saves again on the new revision', async () => {
    const { sync, local, answer, drafts, applied, conflicts } = setup({
      answers: { a1_role: 1, b2_anycase: 1 },
      revision: 4,
    });
    answer('a2_years', 10);
    answer('b2_anycase', 2);
    sync.saveNow();
    await settle();
    const remote = { a1_role: 1, b2_anycase: 1, a5_pop: 90000 };
    drafts[0]?.reply.resolve({
      ok: false,
      failure: { kind: 'stale', remote: { answers: { ...remote, b2_anycase: -7 }, page: 3, revision: 6 } },
    });
    await settle();
    const merged = { a1_role: 1, b2_anycase: 2, a2_years: 10, a5_pop: 90000 };
    expect(applied).toEqual([merged]);
    expect(local.answers).toEqual(merged);
    expect(conflicts).toEqual([{ keys: ['b2_anycase'], theirs: { ...remote, b2_anycase: -7 } }]);
    expect(drafts[1]?.body).toEqual({ answers: merged, page: 0, revision: 6 });
  });

  it("does not save again when the merge only took the colleague's answers", async () => {
    const { sync, local, drafts, statuses, conflicts } = setup({ answers: { a1_role: 1 }, revision: 4 });
    local.page = 1;
    sync.saveNow();
    await settle();
    drafts[0]?.reply.resolve({
      ok: false,
      failure: { kind: 'stale', remote: { answers: { a1_role: 1, a2_years: 8 }, page: 1, revision: 5 } },
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(drafts).toHaveLength(1);
    expect(local.answers).toEqual({ a1_role: 1, a2_years: 8 });
    expect(conflicts).toEqual([]);
    expect(statuses.at(-1)?.kind).toBe('saved');
  });
});

describe('DraftSync.complete', () => {
  it('waits for the save in flight, then submits the latest answers on the newest revision', async () => {
    const { sync, answer, drafts, completions } = setup({ revision: 2 });
    answer('a1_role', 1);
    sync.saveNow();
    await settle();
    answer('a2_years', 5);
    const outcome = sync.complete();
    await settle();
    expect(completions).toHaveLength(0);
    drafts[0]?.reply.resolve(saved(3));
    await settle();
    expect(completions.map((c) => c.body)).toEqual([{ answers: { a1_role: 1, a2_years: 5 }, revision: 3 }]);
    completions[0]?.reply.resolve({ ok: true, value: { status: 'completed', submittedAt: '2026-03-02T11:00:00Z' } });
    await expect(outcome).resolves.toEqual({
      kind: 'finished',
      state: { status: 'completed', submittedAt: '2026-03-02T11:00:00Z' },
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(drafts).toHaveLength(1);
  });

  it("merges a colleague's newer draft and submits again when nothing conflicts", async () => {
    const { sync, completions } = setup({ answers: { a1_role: 1 }, revision: 2 });
    const outcome = sync.complete();
    await settle();
    completions[0]?.reply.resolve({
      ok: false,
      failure: { kind: 'stale', remote: { answers: { a1_role: 1, f4_followup: 1 }, page: 5, revision: 3 } },
    });
    await settle();
    expect(completions[1]?.body).toEqual({ answers: { a1_role: 1, f4_followup: 1 }, revision: 3 });
    completions[1]?.reply.resolve({ ok: true, value: { status: 'completed', submittedAt: '2026-03-02T11:00:00Z' } });
    await expect(outcome).resolves.toMatchObject({ kind: 'finished' });
  });

  it("does not submit over a colleague's different answer: it saves the merge and asks for a review", async () => {
    const { sync, answer, drafts, completions, conflicts } = setup({ answers: { a1_role: 1 }, revision: 2 });
    answer('a1_role', 2);
    const outcome = sync.complete();
    await settle();
    completions[0]?.reply.resolve({
      ok: false,
      failure: { kind: 'stale', remote: { answers: { a1_role: 3 }, page: 0, revision: 3 } },
    });
    await expect(outcome).resolves.toEqual({ kind: 'conflicts', keys: ['a1_role'] });
    expect(conflicts.map((c) => c.keys)).toEqual([['a1_role']]);
    expect(completions).toHaveLength(1);
    await settle();
    expect(drafts.map((d) => d.body)).toEqual([{ answers: { a1_role: 2 }, page: 0, revision: 3 }]);
  });

  it("returns the server's validation messages and resumes autosave", async () => {
    const { sync, answer, drafts, completions } = setup({ revision: 2 });
    const outcome = sync.complete();
    await settle();
    const questions = { a1_role: ['Please answer this question.'] };
    completions[0]?.reply.resolve({
      ok: false,
      failure: { kind: 'invalid_answers', message: 'Some answers need attention.', questions },
    });
    await expect(outcome).resolves.toEqual({
      kind: 'invalid_answers',
      message: 'Some answers need attention.',
      questions,
    });
    answer('a1_role', 1);
    await vi.advanceTimersByTimeAsync(1500);
    expect(drafts).toHaveLength(1);
  });

  it('reports a failed submission without retrying it on its own', async () => {
    const { sync, completions } = setup({ answers: { a1_role: 1 } });
    const outcome = sync.complete();
    await settle();
    completions[0]?.reply.resolve({ ok: false, failure: { kind: 'unavailable' } });
    await expect(outcome).resolves.toEqual({ kind: 'failed', message: undefined });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(completions).toHaveLength(1);
  });

  it('reports a response declined elsewhere', async () => {
    const { sync, completions } = setup();
    const outcome = sync.complete();
    await settle();
    completions[0]?.reply.resolve({ ok: false, failure: { kind: 'closed', status: 'declined' } });
    await expect(outcome).resolves.toEqual({ kind: 'stopped', reason: 'declined' });
  });
});

describe('DraftSync backup for a reload', () => {
  it('copies every change at once, with the answers of the save in flight, and drops the copy once saved', async () => {
    const { sync, answer, drafts, backups } = setup({ answers: { consent: 1 } });
    answer('b6_altchg_oth', 'Witness');
    expect(backups.at(-1)).toEqual({
      base: { consent: 1 },
      answers: { consent: 1, b6_altchg_oth: 'Witness' },
      page: 0,
    });
    sync.saveNow();
    await settle();
    // Typed while the save is on its way: a reload now must not lose it.
    answer('b6_altchg_oth', 'Witness tampering');
    expect(backups.at(-1)).toEqual({
      base: { consent: 1 },
      answers: { consent: 1, b6_altchg_oth: 'Witness tampering' },
      page: 0,
      sent: { consent: 1, b6_altchg_oth: 'Witness' },
    });
    drafts[0]?.reply.resolve(saved(2));
    await settle();
    expect(backups.at(-1)).toEqual({
      base: { consent: 1, b6_altchg_oth: 'Witness' },
      answers: { consent: 1, b6_altchg_oth: 'Witness tampering' },
      page: 0,
    });
    await vi.advanceTimersByTimeAsync(1500);
    expect(drafts[1]?.body.answers).toEqual({ consent: 1, b6_altchg_oth: 'Witness tampering' });
    drafts[1]?.reply.resolve(saved(3));
    await settle();
    expect(backups.at(-1)).toBeUndefined();
  });

  it('drops the copy when the response is completed', async () => {
    const { sync, answer, completions, backups } = setup({ revision: 2 });
    answer('a1_role', 1);
    expect(backups.at(-1)).toBeDefined();
    const outcome = sync.complete();
    await settle();
    completions[0]?.reply.resolve({ ok: true, value: { status: 'completed', submittedAt: '2026-03-02T11:00:00Z' } });
    await outcome;
    expect(backups.at(-1)).toBeUndefined();
  });

  it('drops the copy when a colleague completed the response meanwhile', async () => {
    const { sync, answer, drafts, backups } = setup();
    answer('a1_role', 1);
    expect(backups.at(-1)).toBeDefined();
    sync.saveNow();
    await settle();
    drafts[0]?.reply.resolve({ ok: false, failure: { kind: 'closed', status: 'completed' } });
    await settle();
    expect(backups.at(-1)).toBeUndefined();
  });
});

describe("DraftSync and this device's own saves whose reply was lost", () => {
  it('does not report a conflict when the 409 carries the save a reload cut off', async () => {
    // The page before the reload sent "Witness"; it reached the server after this page loaded.
    const { sync, drafts, local, conflicts } = setup({
      answers: { consent: 1 },
      revision: 4,
      unconfirmed: { consent: 1, b6_altchg_oth: 'Witness' },
    });
    local.answers = { consent: 1, b6_altchg_oth: 'Witness tampering' };
    sync.saveNow();
    await settle();
    drafts[0]?.reply.resolve({
      ok: false,
      failure: { kind: 'stale', remote: { answers: { consent: 1, b6_altchg_oth: 'Witness' }, page: 3, revision: 5 } },
    });
    await settle();
    expect(conflicts).toEqual([]);
    expect(drafts[1]?.body).toEqual({
      answers: { consent: 1, b6_altchg_oth: 'Witness tampering' },
      page: 0,
      revision: 5,
    });
  });

  it('does not report a conflict when a save that seemed to fail had reached the server', async () => {
    const { sync, answer, drafts, conflicts } = setup({ answers: { a2_years: 1 }, revision: 4 });
    answer('a2_years', 12);
    sync.saveNow();
    await settle();
    drafts[0]?.reply.resolve({ ok: false, failure: { kind: 'unavailable' } });
    await settle();
    answer('a2_years', 15);
    sync.saveNow();
    await settle();
    drafts[1]?.reply.resolve({
      ok: false,
      failure: { kind: 'stale', remote: { answers: { a2_years: 12 }, page: 0, revision: 5 } },
    });
    await settle();
    expect(conflicts).toEqual([]);
    expect(drafts[2]?.body).toEqual({ answers: { a2_years: 15 }, page: 0, revision: 5 });
  });

  it("still reports a colleague's different answer", async () => {
    const { sync, drafts, local, conflicts } = setup({
      answers: { consent: 1 },
      revision: 4,
      unconfirmed: { consent: 1, b6_altchg_oth: 'Witness' },
    });
    local.answers = { consent: 1, b6_altchg_oth: 'Witness tampering' };
    sync.saveNow();
    await settle();
    drafts[0]?.reply.resolve({
      ok: false,
      failure: { kind: 'stale', remote: { answers: { consent: 1, b6_altchg_oth: 'Fraud' }, page: 3, revision: 5 } },
    });
    await settle();
    expect(conflicts.map((c) => c.keys)).toEqual([['b6_altchg_oth']]);
  });
});
