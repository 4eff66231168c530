import { useCallback, useState } from 'react';
import { BACKUP_KEY_PREFIX } from '../respond/draftBackup.js';
import { useSession } from './session.js';

/**
 * Unsaved text of the console's forms, kept in this tab (sessionStorage) while it is typed, so a
 * session that times out loses nothing: after signing in again the page brings it back. Keyed by
 * account, page and field; cleared when the text is saved, and all of it at sign-out.
 */
const PREFIX = 'fieldkit-draft:';

const storageKey = (staffId: number, field: string) => `${PREFIX}${staffId}:${window.location.pathname}:${field}`;

function read(key: string): string | undefined {
  try {
    return window.sessionStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function write(key: string, value: string | undefined) {
  try {
    if (value === undefined) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, value);
  } catch {
    // Storage full or refused (private mode): the text just is not kept.
  }
}

/**
 * A text field's value that survives a timed-out session: [value, set, forget, restored], where
 * `restored` says the value came back from an earlier, unsaved edit.
 */
export function useDraft(field: string, saved: string): [string, (value: string) => void, () => void, boolean] {
  const { staff } = useSession();
  const key = storageKey(staff.id, field);
  const [initial] = useState(() => read(key));
  const [value, setValue] = useState(initial ?? saved);
  const set = useCallback(
    (next: string) => {
      setValue(next);
      write(key, next === saved ? undefined : next);
    },
    [key, saved],
  );
  const forget = useCallback(() => write(key, undefined), [key]);
  return [value, set, forget, initial !== undefined && initial !== saved];
}

/** At sign-out nothing typed stays behind in the tab: neither forms' text nor records' unsaved answers. */
export function forgetAllDrafts() {
  try {
    for (const key of Object.keys(window.sessionStorage)) {
      if (key.startsWith(PREFIX) || key.startsWith(BACKUP_KEY_PREFIX)) window.sessionStorage.removeItem(key);
    }
  } catch {
    // Nothing could be stored either.
  }
}
