import { describe, expect, it } from 'vitest';
import { type DraftBackup, restoreDraft, sessionBackupStore } from '../../client/respond/draftBackup.js';

/** A Storage with only what the store uses, so the test needs no DOM. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => {
      items.delete(key);
    },
    setItem: (key, value) => {
      items.set(key, value);
    },
  };
}

const backup: DraftBackup = {
  base: { consent: 1, a1_role: 1 },
  answers: { consent: 1, a1_role: 1, b6_altchg_oth: 'Witness tampering' },
  page: 3,
  sent: { consent: 1, a1_role: 1, b6_altchg_oth: 'Witness' },
};

describe('sessionBackupStore', () => {
  it('keeps one backup per credential and forgets it when told', () => {
    const storage = memoryStorage();
    const mine = sessionBackupStore('token-a', () => storage);
    const other = sessionBackupStore('token-b', () => storage);
    mine.write(backup);
    expect(mine.read()).toEqual(backup);
    expect(other.read()).toBeUndefined();
    mine.write(undefined);
    expect(mine.read()).toBeUndefined();
    expect(storage.length).toBe(0);
  });

  it('ignores a backup it cannot read, and storage that refuses to work', () => {
    const storage = memoryStorage();
    storage.setItem('fieldkit:draft:token-a', '{"answers": "not an object"');
    expect(sessionBackupStore('token-a', () => storage).read()).toBeUndefined();
    storage.setItem('fieldkit:draft:token-a', JSON.stringify({ ...backup, page: 'three' }));
    expect(sessionBackupStore('token-a', () => storage).read()).toBeUndefined();
    const forbidden = sessionBackupStore('token-a', () => {
      throw new DOMException('denied', 'SecurityError');
    });
    expect(forbidden.read()).toBeUndefined();
    expect(() => forbidden.write(backup)).not.toThrow();
  });
});

describe('restoreDraft after a reload', () => {
  it("shows the server's draft when this tab left nothing unsaved", () => {
    expect(restoreDraft({ answers: { a1_role: 2 }, page: 1 }, undefined)).toEqual({
      answers: { a1_role: 2 },
      page: 1,
      conflicts: [],
      unconfirmed: undefined,
    });
  });

  it('brings back answers typed while a save was still on its way, and the page the person was on', () => {
    // The reload cut off the save of "Witness": the server still holds the acknowledged base.
    const restored = restoreDraft({ answers: { consent: 1, a1_role: 1 }, page: 2 }, backup);
    expect(restored).toEqual({
      answers: { consent: 1, a1_role: 1, b6_altchg_oth: 'Witness tampering' },
      page: 3,
      conflicts: [],
      unconfirmed: backup.sent,
    });
  });

  it('does not call its own save that landed after all a colleague’s answer', () => {
    const server = { answers: { consent: 1, a1_role: 1, b6_altchg_oth: 'Witness' }, page: 3 };
    const restored = restoreDraft(server, backup);
    expect(restored.answers).toEqual(backup.answers);
    expect(restored.conflicts).toEqual([]);
  });

  it("keeps a colleague's answers to other questions and reports one that differs from the person's", () => {
    const server = { answers: { consent: 1, a1_role: 3, b6_altchg_oth: 'Fraud', b8_federal: 2 }, page: 5 };
    const restored = restoreDraft(server, backup);
    expect(restored.answers).toEqual({ consent: 1, a1_role: 3, b6_altchg_oth: 'Witness tampering', b8_federal: 2 });
    expect(restored.conflicts).toEqual(['b6_altchg_oth']);
  });
});
