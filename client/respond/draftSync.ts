import type { ApiResult, DraftBody, FieldingClosed, FinishState, RemoteDraft, Saved } from './api.js';
import { type DraftBackup, isOwnAnswer } from './draftBackup.js';
import { type Answers, answersEqual, mergeAnswers } from './merge.js';

/**
 * Keeps the server's copy of a draft in step with what the person sees: one request in flight at a
 * time (later changes wait and are sent as one), a debounce for typing, backoff when the network or
 * server fails, and a three-way merge when a colleague on the same office link saved in between.
 * No DOM and no SurveyJS here, so the rules can be tested with a fake transport and fake timers.
 */

/**
 * Where drafts go: a respondent's link, or a staff member's Phase II record (the console's entry
 * page), which answers with the same draft/revision/409 protocol. `Finished` is what completing answers.
 */
export interface SyncTransport<Finished = FinishState> {
  saveDraft(body: DraftBody): Promise<ApiResult<Saved>>;
  complete(body: { answers: Answers; revision: number }): Promise<ApiResult<Finished>>;
}

export interface SyncHost {
  /** The answers and page the person sees now. */
  readLocal(): { answers: Answers; page: number };
  /** Show merged answers; must not report them back as a change of the person's own. */
  applyMerged(answers: Answers): void;
  /** Keep (or, with undefined, drop) the copy of what the server has not acknowledged yet. */
  keepBackup?(backup: DraftBackup | undefined): void;
}

export type SaveStatus =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; savedAt: string }
  | { kind: 'retrying' }
  | { kind: 'failed'; message: string };

/** Why saving stopped for good; a closed fielding brings its dates for the page that says so. */
export type StopReason = 'completed' | 'declined' | 'link_not_valid' | FieldingClosed;

export interface SyncEvents {
  onStatus(status: SaveStatus): void;
  /** Keys where a colleague's different answer (in `theirs`) was replaced by this person's. */
  onConflicts(keys: string[], theirs: Answers): void;
  /** Saving can never succeed again (the response was closed elsewhere, or the link revoked). */
  onStopped(reason: StopReason): void;
}

export type CompleteOutcome<Finished = FinishState> =
  | { kind: 'finished'; state: Finished }
  | { kind: 'conflicts'; keys: string[] }
  | { kind: 'invalid_answers'; message: string; questions: Record<string, string[]> }
  | { kind: 'stopped'; reason: StopReason }
  | { kind: 'failed'; message: string | undefined };

export interface SyncOptions {
  debounceMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  /** How many times a completion is retried after merging a colleague's newer draft. */
  completeMergeRetries: number;
  now: () => Date;
}

const DEFAULTS: SyncOptions = {
  debounceMs: 1500,
  retryInitialMs: 1000,
  retryMaxMs: 30_000,
  completeMergeRetries: 2,
  now: () => new Date(),
};

function stopReasonOf(
  failure: { kind: 'closed'; status: 'completed' | 'declined' } | { kind: 'link_not_valid' } | FieldingClosed,
): StopReason {
  if (failure.kind === 'closed') return failure.status;
  return failure.kind === 'link_not_valid' ? 'link_not_valid' : failure;
}

export class DraftSync<Finished = FinishState> {
  private base: Answers;
  private revision: number;
  private savedPage: number;
  private readonly options: SyncOptions;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = false;
  private sendAgain = false;
  private completing = false;
  private stopped = false;
  private failures = 0;
  private lastStatus: SaveStatus['kind'] = 'idle';
  private conflictsWhileCompleting: string[] = [];
  private idleWaiters: Array<() => void> = [];
  /** The answers of the save in flight. */
  private sending: Answers | undefined;
  /** Answers sent in a save whose reply never came (network failure, or a reload cut it off). */
  private unconfirmed: Answers | undefined;

  constructor(
    private readonly transport: SyncTransport<Finished>,
    private readonly host: SyncHost,
    private readonly events: SyncEvents,
    initial: { answers: Answers; page: number; revision: number; unconfirmed?: Answers | undefined },
    options: Partial<SyncOptions> = {},
  ) {
    this.base = initial.answers;
    this.unconfirmed = initial.unconfirmed;
    this.revision = initial.revision;
    this.savedPage = initial.page;
    this.options = { ...DEFAULTS, ...options };
  }

  /** An answer changed: save once the person pauses. */
  noteChange(): void {
    if (this.stopped || this.completing) return;
    this.backUp();
    this.startTimer(this.options.debounceMs);
  }

  /** Save now (page change, page hidden); a pending debounce or retry wait is skipped. */
  saveNow(): void {
    if (this.stopped || this.completing) return;
    this.backUp();
    this.clearTimer();
    this.pump();
  }

  dispose(): void {
    this.stopped = true;
    this.clearTimer();
  }

  get hasUnsavedChanges(): boolean {
    const local = this.host.readLocal();
    return !this.stopped && (!answersEqual(local.answers, this.base) || local.page !== this.savedPage);
  }

  /** The last save failed and the answers on screen are not on the server yet. */
  get isFailing(): boolean {
    return (this.lastStatus === 'retrying' || this.lastStatus === 'failed') && this.hasUnsavedChanges;
  }

  async complete(): Promise<CompleteOutcome<Finished>> {
    if (this.stopped) return { kind: 'failed', message: undefined };
    this.completing = true;
    this.conflictsWhileCompleting = [];
    this.clearTimer();
    await this.whenIdle();
    try {
      if (this.conflictsWhileCompleting.length > 0) return { kind: 'conflicts', keys: this.conflictsWhileCompleting };
      for (let attempt = 0; ; attempt += 1) {
        const answers = this.host.readLocal().answers;
        const result = await this.transport.complete({ answers, revision: this.revision });
        if (result.ok) {
          this.dispose();
          this.host.keepBackup?.(undefined);
          return { kind: 'finished', state: result.value };
        }
        const { failure } = result;
        if (failure.kind === 'stale' && attempt < this.options.completeMergeRetries) {
          const conflicts = this.absorbRemote(failure.remote);
          // Submitting over a colleague's answer is not undoable, so the person reviews first.
          if (conflicts.length > 0) return { kind: 'conflicts', keys: conflicts };
          continue;
        }
        if (failure.kind === 'invalid_answers') return failure;
        if (failure.kind === 'closed' || failure.kind === 'link_not_valid' || failure.kind === 'fielding_closed') {
          this.dispose();
          return { kind: 'stopped', reason: stopReasonOf(failure) };
        }
        return { kind: 'failed', message: failure.kind === 'invalid_input' ? failure.message : undefined };
      }
    } finally {
      this.completing = false;
      if (!this.stopped && this.hasUnsavedChanges) this.pump();
    }
  }

  private stop(reason: StopReason): void {
    this.dispose();
    // Nothing can be saved any more, so nothing is worth restoring after a reload.
    this.host.keepBackup?.(undefined);
    this.events.onStopped(reason);
  }

  private setStatus(status: SaveStatus): void {
    this.lastStatus = status.kind;
    this.events.onStatus(status);
  }

  private pump(): void {
    if (this.stopped || this.completing) return;
    if (this.inFlight) {
      this.sendAgain = true;
      return;
    }
    void this.send();
  }

  private async send(): Promise<void> {
    const local = this.host.readLocal();
    if (answersEqual(local.answers, this.base) && local.page === this.savedPage) {
      // After a merge that only took a colleague's answers, the server already holds this state.
      if (this.lastStatus === 'saving') this.setStatus({ kind: 'saved', savedAt: this.options.now().toISOString() });
      this.notifyIdle();
      return;
    }
    this.inFlight = true;
    this.sendAgain = false;
    this.setStatus({ kind: 'saving' });
    this.sending = local.answers;
    this.backUp();
    const result = await this.transport.saveDraft({
      answers: local.answers,
      page: local.page,
      revision: this.revision,
    });
    this.inFlight = false;
    this.sending = undefined;
    if (!this.stopped) {
      this.handleSaveResult(result, local);
      this.backUp();
    }
    if (this.sendAgain && !this.stopped && !this.completing) {
      this.clearTimer();
      this.pump();
    } else {
      this.notifyIdle();
    }
  }

  private handleSaveResult(result: ApiResult<Saved>, sent: { answers: Answers; page: number }): void {
    if (result.ok) {
      this.base = sent.answers;
      this.savedPage = sent.page;
      this.revision = result.value.revision;
      // A lost save based on an older revision can no longer be stored: the revision lock refuses it.
      this.unconfirmed = undefined;
      this.failures = 0;
      this.setStatus({ kind: 'saved', savedAt: result.value.savedAt });
      return;
    }
    const { failure } = result;
    switch (failure.kind) {
      case 'stale':
        this.absorbRemote(failure.remote);
        this.sendAgain = true;
        return;
      case 'closed':
        this.stop(failure.status);
        return;
      case 'link_not_valid':
        this.stop('link_not_valid');
        return;
      case 'fielding_closed':
        this.stop(failure);
        return;
      case 'too_many_requests':
      case 'unavailable': {
        // No reply does not mean the server did not store it.
        if (failure.kind === 'unavailable') this.unconfirmed = sent.answers;
        this.failures += 1;
        const backoff = Math.min(this.options.retryMaxMs, this.options.retryInitialMs * 2 ** (this.failures - 1));
        const asked = failure.kind === 'too_many_requests' ? (failure.retryAfterSeconds ?? 0) * 1000 : 0;
        this.sendAgain = false;
        this.startTimer(Math.max(backoff, asked));
        this.setStatus({ kind: 'retrying' });
        return;
      }
      case 'invalid_input':
      case 'invalid_answers':
        // Retrying the same body cannot help; the next change or page turn tries again.
        this.sendAgain = false;
        this.setStatus({ kind: 'failed', message: failure.message });
        return;
    }
  }

  /** Merge a colleague's newer draft into what the person sees; returns the conflicting keys. */
  private absorbRemote(remote: RemoteDraft): string[] {
    const local = this.host.readLocal().answers;
    const { merged, conflicts: bothChanged } = mergeAnswers(this.base, local, remote.answers);
    // The server holding this device's own lost save is not a colleague's answer.
    const conflicts = bothChanged.filter((key) => !isOwnAnswer(key, remote.answers, this.unconfirmed));
    this.unconfirmed = undefined;
    this.base = remote.answers;
    this.savedPage = remote.page;
    this.revision = remote.revision;
    if (!answersEqual(merged, local)) this.host.applyMerged(merged);
    this.backUp();
    if (conflicts.length > 0) {
      if (this.completing) this.conflictsWhileCompleting = conflicts;
      this.events.onConflicts(conflicts, remote.answers);
    }
    return conflicts;
  }

  /**
   * Every change is copied to the backup at once: the page can go away (reload, tab switch on a
   * phone) before the debounce ends or while an earlier save is still on its way.
   */
  private backUp(): void {
    if (!this.host.keepBackup || this.stopped) return;
    const local = this.host.readLocal();
    const sent = this.sending ?? this.unconfirmed;
    const unsaved = !answersEqual(local.answers, this.base) || local.page !== this.savedPage;
    this.host.keepBackup(
      unsaved || sent
        ? { base: this.base, answers: local.answers, page: local.page, ...(sent ? { sent } : {}) }
        : undefined,
    );
  }

  private startTimer(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private whenIdle(): Promise<void> {
    if (!this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
