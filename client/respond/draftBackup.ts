import * as z from 'zod/mini';
import { type Answers, answersEqual, mergeAnswers } from './merge.js';

/**
 * A copy, in this tab's sessionStorage, of answers the server has not acknowledged yet. A reload
 * while a save is still on its way cannot send the newest answers (one save at a time, and the page
 * is gone before that save returns), so the reloaded page takes them from here instead of showing
 * the server's older draft. sessionStorage rather than localStorage: it dies with the tab, so
 * confidential answers are not left behind on a shared office computer.
 */

const AnswersSchema = z.record(z.string(), z.unknown());

const DraftBackupSchema = z.object({
  /** What the server last acknowledged to this tab. */
  base: AnswersSchema,
  /** What the person saw. */
  answers: AnswersSchema,
  page: z.int(),
  /** Answers of a save whose reply never came: the server may hold them, as this tab's own. */
  sent: z.optional(AnswersSchema),
});
export type DraftBackup = z.infer<typeof DraftBackupSchema>;

export interface BackupStore {
  read(): DraftBackup | undefined;
  write(backup: DraftBackup | undefined): void;
}

/** Every backup's key starts so; the console forgets them all at sign-out. */
export const BACKUP_KEY_PREFIX = 'fieldkit:draft:';

/** Storage can be missing, full, or forbidden (some private modes): the backup is then skipped. */
export function sessionBackupStore(
  credential: string,
  storage: () => Storage = () => window.sessionStorage,
): BackupStore {
  const key = `${BACKUP_KEY_PREFIX}${credential}`;
  return {
    read() {
      try {
        const text = storage().getItem(key);
        if (text === null) return undefined;
        const parsed = DraftBackupSchema.safeParse(JSON.parse(text));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
    write(backup) {
      try {
        if (backup === undefined) storage().removeItem(key);
        else storage().setItem(key, JSON.stringify(backup));
      } catch {
        // Without a backup only a reload mid-save can lose the newest answers, as before.
      }
    },
  };
}

export interface RestoredDraft {
  answers: Answers;
  page: number;
  /** Keys where the server holds someone else's different answer; the person's was kept. */
  conflicts: string[];
  /** Answers this tab sent without seeing a reply; a later 409 carrying them is no colleague's. */
  unconfirmed: Answers | undefined;
}

/**
 * What the person should see after a reload: the server's draft with this tab's unacknowledged
 * changes merged over it (three ways, from what the server had acknowledged to this tab), so a
 * colleague's later answers to other questions are kept too.
 */
export function restoreDraft(
  server: { answers: Answers; page: number },
  backup: DraftBackup | undefined,
): RestoredDraft {
  if (!backup) return { answers: server.answers, page: server.page, conflicts: [], unconfirmed: undefined };
  const { merged, conflicts } = mergeAnswers(backup.base, backup.answers, server.answers);
  return {
    answers: merged,
    page: backup.page,
    conflicts: conflicts.filter((key) => !isOwnAnswer(key, server.answers, backup.sent)),
    unconfirmed: backup.sent,
  };
}

/** The server's value for `key` is the one this tab sent in a save whose reply it never saw. */
export function isOwnAnswer(key: string, remote: Answers, sent: Answers | undefined): boolean {
  return sent !== undefined && answersEqual(remote[key], sent[key]);
}
