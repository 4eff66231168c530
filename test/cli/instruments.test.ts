import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/platform/paths.js';
import { shippedInstruments } from '../support/app.js';
import { workspace } from './workspace.js';

describe('fieldkit instruments list', () => {
  it('lists every loaded instrument with its key, mode, length and title', async () => {
    const ws = workspace();

    const result = await ws.run('instruments', 'list');

    expect(result.code).toBe(0);
    expect(result.out.split('\n')).toEqual(
      shippedInstruments()
        .all()
        .map((i) => `${i.key}\t${i.meta.mode}\t${i.meta.estimatedMinutes} min\t${i.meta.title}`),
    );
    expect(result.out).toMatch(/^tip-prosecutor-survey@1\.0\.0\tself\t25 min\t/m);
  });
});

describe('fieldkit instruments check', () => {
  it('passes on the shipped instrument files, listing each version with its variables and content hash', async () => {
    const ws = workspace();
    const result = await ws.run('instruments', 'check');
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines).toHaveLength(6);
    for (const [id, version, file] of [
      ['cs-case-file-abstraction', '1\\.0\\.0', 'cs-case-file-abstraction.json'],
      ['cs-case-file-abstraction', '2\\.0\\.0', 'cs-case-file-abstraction-2.json'],
      ['cs-law-enforcement-interview', '1\\.0\\.0', 'cs-law-enforcement-interview.json'],
      ['cs-prosecutor-interview', '1\\.0\\.0', 'cs-prosecutor-interview.json'],
      ['cs-victim-services-interview', '1\\.0\\.0', 'cs-victim-services-interview.json'],
      ['tip-prosecutor-survey', '1\\.0\\.0', 'tip-prosecutor-survey.json'],
    ] as const) {
      expect(result.out).toMatch(
        new RegExp(
          `^ok  ${id}@${version}  \\d+ variables  sha256:[0-9a-f]{64}  \\(${file.replace('.', '\\.')}\\)$`,
          'm',
        ),
      );
    }
  });

  it('fails with exit code 1 on a broken file, naming file, question and problem', async () => {
    const ws = workspace();
    const broken = JSON.parse(
      readFileSync(path.join(projectRoot, 'instruments', 'tip-prosecutor-survey.json'), 'utf8'),
    );
    broken.survey.pages[1].elements[0].visibleIf = '{no_such_question} = 1';
    writeFileSync(path.join(ws.dir, 'broken.json'), JSON.stringify(broken));
    const result = await ws.run('instruments', 'check', 'broken.json');
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'broken.json: question "a1_role": visibleIf "{no_such_question} = 1" names {no_such_question}',
    );
  });

  it('prints a file’s warnings beside its errors, so one run shows everything to fix', async () => {
    const ws = workspace();
    const broken = JSON.parse(
      readFileSync(path.join(projectRoot, 'instruments', 'tip-prosecutor-survey.json'), 'utf8'),
    );
    broken.survey.pages[1].elements[0].visibleIf = '{no_such_question} = 1';
    // A trigger that sets a value no question holds is only a warning.
    broken.survey.triggers = [
      { type: 'setvalue', expression: '{consent} = 1', setToName: 'consent_seen', setValue: 1 },
    ];
    writeFileSync(path.join(ws.dir, 'broken.json'), JSON.stringify(broken));

    const result = await ws.run('instruments', 'check', 'broken.json');

    expect(result.code).toBe(1);
    expect(result.err).toContain('broken.json: question "a1_role": visibleIf "{no_such_question} = 1"');
    expect(result.err).toContain(
      'broken.json: warning: a setvalue trigger sets "consent_seen", which is not a question',
    );
  });
});

describe('fieldkit codebook', () => {
  it.each(['md', 'json', 'html'])('writes the %s codebook of an instrument', async (format) => {
    const ws = workspace();
    const result = await ws.run('codebook', 'tip-prosecutor-survey', '--format', format, '--out', `cb.${format}`);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Codebook of tip-prosecutor-survey@1\.0\.0 \(\d+ variables\) written to cb\./);
    const text = readFileSync(path.join(ws.dir, `cb.${format}`), 'utf8');
    expect(text).toContain('b3_cases_2018_labor');
    if (format === 'json') expect(JSON.parse(text).variables.length).toBeGreaterThan(100);
  });

  it('refuses an unknown instrument or format with exit code 2', async () => {
    const ws = workspace();
    expect((await ws.run('codebook', 'nope')).err).toMatch(/No instrument "nope"\. Known: /);
    expect((await ws.run('codebook', 'tip-prosecutor-survey', '--format', 'pdf')).code).toBe(2);
  });
});
