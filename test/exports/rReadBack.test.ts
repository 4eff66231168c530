import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/platform/csv.js';
import { fieldedPilot } from './pilot.js';

const RSCRIPT = '/usr/bin/Rscript';
const records = (text: string) => parseCsv(text).records.map((r) => r.fields);

describe('data.R read back by R', () => {
  it('gives factors with the labels, NA with the reason for every missing code, and the question text, cell by cell as data_labels.csv', async () => {
    if (!existsSync(RSCRIPT))
      throw new Error(`${RSCRIPT} is missing: run scripts/install-test-deps.sh (Debian r-base-core)`);
    const ws = await fieldedPilot();
    await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'r,labels,codebook');
    const dir = ws.file('export');
    const out = ws.file('from-r.csv');
    // R writes every cell as it sees it: a factor's label, a number, a text, or NA:<reason>.
    const program = [
      `source(${JSON.stringify(`${dir}/data.R`)})`,
      'cells <- lapply(data, function(x) { r <- attr(x, "missing_reason"); v <- as.character(x); ifelse(is.na(v), paste0("NA:", r), v) })',
      `utils::write.csv(as.data.frame(cells, check.names = FALSE), ${JSON.stringify(out)}, row.names = FALSE, fileEncoding = "UTF-8")`,
      `labels <- vapply(data, function(x) attr(x, "label"), "")`,
      `writeLines(paste(names(labels), labels, sep = "\\t"), ${JSON.stringify(`${out}.labels`)}, useBytes = FALSE)`,
      `cat(paste(names(data)[vapply(data, is.factor, TRUE)], collapse = ","))`,
    ].join('\n');

    const factors = execFileSync(RSCRIPT, ['-e', program], {
      encoding: 'utf8',
      env: { ...process.env, LANG: 'C.UTF-8' },
    });

    const [expectedHeader, ...expected] = records(readFileSync(`${dir}/data_labels.csv`, 'utf8'));
    const [header, ...actual] = records(readFileSync(out, 'utf8'));
    const codebook = JSON.parse(readFileSync(`${dir}/codebook.json`, 'utf8')) as {
      variables: { name: string; label: string; values: unknown[]; missing: { code: number; label: string }[] }[];
      exportColumns: { name: string; valueLabels: unknown[]; missing: { code: number; label: string }[] }[];
    };
    // The export's own columns declare theirs too (duration_min's -9 for a case not submitted).
    const missingLabels = new Set(
      [...codebook.variables, ...codebook.exportColumns].flatMap((v) => v.missing.map((m) => m.label)),
    );
    expect(header).toEqual(expectedHeader);
    expected.forEach((row, r) => {
      row.forEach((cell, c) => {
        // Date-times are POSIXct in R, which writes them "2026-03-02 14:05:09" (UTC).
        const iso = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)Z$/.exec(cell);
        const want = missingLabels.has(cell) ? `NA:${cell}` : iso ? `${iso[1]} ${iso[2]}` : cell.replace(/^'/, '');
        // data_labels.csv leaves a count's missing code blank (the column stays numeric); R keeps the reason.
        if (cell === '') expect(actual[r]?.[c], `${header?.[c]} row ${r + 1}`).toMatch(/^NA:/);
        else expect(actual[r]?.[c], `${header?.[c]} row ${r + 1}`).toBe(want);
      });
    });
    const coded = codebook.variables.filter((v) => v.values.length > 0).map((v) => v.name);
    const flags = codebook.exportColumns.filter((c) => c.valueLabels.length > 0).map((c) => c.name);
    expect(flags).toContain('flag_b4_outcome');
    expect(factors.split(',')).toEqual([...flags, ...coded]);
    const labels = new Map(
      readFileSync(`${out}.labels`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('\t') as [string, string]),
    );
    for (const v of codebook.variables) expect(labels.get(v.name), v.name).toBe(v.label);
  });

  it('runs as `Rscript data.R`, and reads the data.csv beside it when an analyst’s script run by Rscript elsewhere sources it', async () => {
    if (!existsSync(RSCRIPT))
      throw new Error(`${RSCRIPT} is missing: run scripts/install-test-deps.sh (Debian r-base-core)`);
    const ws = await fieldedPilot();
    await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'r');
    const elsewhere = ws.file('analysis');
    mkdirSync(elsewhere);
    writeFileSync(
      `${elsewhere}/analysis.R`,
      `source(${JSON.stringify(ws.file('export/data.R'))})\ncat(nrow(data), ncol(data))\n`,
    );

    const alone = spawnSync(RSCRIPT, [ws.file('export/data.R')], { cwd: elsewhere, encoding: 'utf8' });
    const sourced = spawnSync(RSCRIPT, ['analysis.R'], { cwd: elsewhere, encoding: 'utf8' });

    expect(alone.status, alone.stderr).toBe(0);
    expect(sourced.status, sourced.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(ws.file('export/manifest.json'), 'utf8')) as {
      tables: { rows: number; columns: number }[];
    };
    expect(sourced.stdout).toBe(`${manifest.tables[0]?.rows} ${manifest.tables[0]?.columns}`);
  });
});
