import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../server/platform/db.js';
import { prosecutorInterview, recordRows, setFullName } from '../factories/records.js';
import { sourceTexts, summarizeQde, validateProjectQde } from '../support/qdpx.js';
import { unzipWithPython } from '../support/zip.js';
import { workspace } from './workspace.js';

const NOTES = {
  history: 'Since 2011: "vice" → TIP unit;\r\n<3 ADAs> & 1 analyst.',
  lessons: 'Señal: 🚩\tflag early.\n',
};

function addInterviewer(db: Db, email: string): number {
  return Number(
    db
      .prepare("INSERT INTO staff (email, role, created_at) VALUES (?, 'interviewer', '2027-01-01T00:00:00.000Z')")
      .run(email).lastInsertRowid,
  );
}

/** A workspace whose database holds San Diego with one final prosecutor interview, and an empty Miami. */
function sanDiego() {
  const ws = workspace();
  const db = ws.database();
  const site = recordRows(db).site('San Diego');
  recordRows(db).site('Miami');
  const interviewer = addInterviewer(db, 'mdelopez@study.example.org');
  setFullName(db, interviewer, 'Maria de Lopez');
  const record = recordRows(db).record({
    siteId: site,
    interviewerId: interviewer,
    answers: prosecutorInterview(NOTES),
    instrumentId: 'cs-prosecutor-interview',
    status: 'final',
  });
  db.close();
  return { ws, record, interviewer };
}

describe('fieldkit export --site <name> --format qdpx', () => {
  it('writes the REFI-QDA project of the site (any case of its name), owner-only, valid, notes intact, and audits it', async () => {
    const { ws, record } = sanDiego();

    const result = await ws.run('export', '--site', 'san diego', '--format', 'qdpx', '--out', 'notes.qdpx');

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe(
      'Exported the notes of 1 interview at San Diego to notes.qdpx: a REFI-QDA project; import it in NVivo, ATLAS.ti, MAXQDA or QualCoder.',
    );
    expect(statSync(ws.file('notes.qdpx')).mode & 0o777).toBe(0o600);
    const files = unzipWithPython(readFileSync(ws.file('notes.qdpx')));
    const qde = files['project.qde'] as string;
    expect(validateProjectQde(qde)).toMatchObject({ valid: true });
    const summary = summarizeQde(qde);
    expect(summary.sources.map((s) => s.name)).toEqual([`Interview ${record} (San Diego)`]);
    expect(summary.users.map((u) => u.name)).toEqual(['Maria de Lopez']);
    const [text] = [...sourceTexts(files, summary).values()];
    expect(text).toContain(NOTES.history);
    expect(text).toContain(NOTES.lessons);
    const audit = ws.database().prepare("SELECT action, detail FROM audit_log WHERE action = 'export_notes'").all();
    expect(audit).toEqual([{ action: 'export_notes', detail: expect.stringContaining('"site":"San Diego"') }]);
  });

  it('keeps the GUIDs of the sources from one export to the next', async () => {
    const { ws } = sanDiego();
    await ws.run('export', '--site', 'San Diego', '--format', 'qdpx', '--out', 'first.qdpx');
    await ws.run('export', '--site', 'San Diego', '--format', 'qdpx', '--out', 'second.qdpx');
    const guids = (file: string) =>
      summarizeQde(unzipWithPython(readFileSync(ws.file(file)))['project.qde'] as string).sources.map((s) => s.guid);
    expect(guids('second.qdpx')).toEqual(guids('first.qdpx'));
  });

  it.each([
    [
      ['--site', 'Miami', '--format', 'qdpx', '--out', 'm.qdpx'],
      1,
      /^fieldkit: Miami has no interview records to export/,
    ],
    [['--site', 'Boston', '--format', 'qdpx', '--out', 'b.qdpx'], 1, /^fieldkit: No site named "Boston"\.$/],
    [['--site', 'San Diego', '--format', 'qdpx', '--out', 'notes.zip'], 2, /ending in \.qdpx/],
    [['--site', 'San Diego', '--format', 'qdpx', '--out', 'n.qdpx', '--public'], 2, /never enter a public-use file/],
    [['--format', 'qdpx', '--out', 'n.qdpx'], 2, /^fieldkit: Missing --site\.$/],
  ])('refuses %j with exit code %i and a message naming the problem, writing nothing', async (args, code, message) => {
    const { ws } = sanDiego();
    const result = await ws.run('export', ...args);
    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
    const out = args[args.indexOf('--out') + 1] as string;
    expect(existsSync(ws.file(out))).toBe(false);
  });

  it('does not overwrite a file that exists', async () => {
    const { ws } = sanDiego();
    await ws.run('export', '--site', 'San Diego', '--format', 'qdpx', '--out', 'notes.qdpx');
    const again = await ws.run('export', '--site', 'San Diego', '--format', 'qdpx', '--out', 'notes.qdpx');
    expect(again).toMatchObject({ code: 2, err: 'fieldkit: notes.qdpx already exists; choose another file name.' });
  });
});
