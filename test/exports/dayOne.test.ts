import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { suiteCleanup } from '../cli/workspace.js';
import { psppMissingCodes, psppValueLabels, readSavWithPspp } from '../support/readBack.js';
import { stratifiedWave } from './wave.js';

/**
 * An analyst's first day with an export of 20 offices in four strata (completes, partials, never
 * answered), every format: what the issue found wrong, read back by PSPP, R haven and pandas.
 */
type Declared = { name: string; label: string; missing: { code: number; label: string }[]; valueLabels?: unknown[] };
let wave: Awaited<ReturnType<typeof stratifiedWave>>;
let codebook: { variables: (Declared & { measure: string })[]; exportColumns: Declared[] };
beforeAll(async () => {
  const { cleanup, teardown } = suiteCleanup();
  wave = await stratifiedWave(undefined, cleanup);
  codebook = JSON.parse(readFileSync(wave.ws.file('export/codebook.json'), 'utf8'));
  return teardown;
}, 120_000);

const python = (program: string) =>
  JSON.parse(execFileSync('/usr/bin/python3', ['-c', program], { cwd: wave.ws.file('export'), encoding: 'utf8' }));

const RESERVED = ['-9', '-8', '-7', '-6', '-5'];
const validMean = (column: string) => {
  const values = wave.data.map((r) => wave.col(r, column)).filter((c) => !RESERVED.includes(c));
  return values.reduce((a, v) => a + Number(v), 0) / values.length;
};

describe('an export on an analyst’s first day', () => {
  it('declares every reserved code a metadata or flag column holds, with a label of its own', () => {
    const declared = new Map([...codebook.variables, ...codebook.exportColumns].map((v) => [v.name, v.missing]));
    for (const name of wave.header) {
      const codes = new Set(wave.data.map((r) => wave.col(r, name)).filter((c) => RESERVED.includes(c)));
      for (const code of codes) {
        expect(
          declared.get(name)?.some((m) => String(m.code) === code),
          `${name} holds ${code}`,
        ).toBe(true);
      }
    }
    for (const column of codebook.exportColumns) {
      for (const m of column.missing) expect(m.label, column.name).not.toBe('Not answered (shown, left blank)');
    }
    // The partials hold -9 in submitted_at, duration_min and flag_speeder, each saying why.
    const partial = wave.data.find((r) => wave.col(r, 'disposition') === '1.2') as string[];
    expect(['submitted_at', 'duration_min', 'flag_speeder'].map((n) => wave.col(partial, n))).toEqual([
      '-9',
      '-9',
      '-9',
    ]);
    const speeder = codebook.exportColumns.find((c) => c.name === 'flag_speeder');
    expect(speeder?.missing).toEqual([{ code: -9, label: 'Not submitted (a partial): no duration to compare' }]);
  });

  it('GNU PSPP and R haven take the -9 of a partial as missing: duration_min’s mean is over the submissions', () => {
    const report = readSavWithPspp(wave.ws.file('export/data.sav'), wave.ws.dir);
    const variables = new Map((report.tables.get('Variables')?.rows ?? []).map((r) => [r[0], r]));
    for (const name of ['started_at', 'submitted_at', 'duration_min', 'flag_speeder']) {
      expect(psppMissingCodes(variables.get(name)?.at(-1) ?? ''), name).toEqual([-9]);
    }
    expect(psppValueLabels(report).find((l) => l.name === 'flag_speeder' && l.code === -9)?.label).toBe(
      'Not submitted (a partial): no duration to compare',
    );
    const out = execFileSync(
      '/usr/bin/Rscript',
      [
        '-e',
        'd <- haven::read_sav("data.sav"); cat(mean(d$duration_min, na.rm = TRUE), sum(is.na(d$submitted_at)), class(d$submitted_at)[1], sep = "\\n")',
      ],
      { cwd: wave.ws.file('export'), encoding: 'utf8' },
    ).split('\n');
    expect(Number(out[0])).toBeCloseTo(validMean('duration_min'), 6);
    expect(Number(out[1])).toBe(wave.data.filter((r) => wave.col(r, 'disposition') === '1.2').length);
    expect(out[2]).toBe('POSIXct');
  }, 60_000);

  it('pandas keeps counts as numbers in data.dta and data_labels.csv, and reads date-times as dates', () => {
    const read = python(`
import json, pandas as pd
d = pd.read_stata("data.dta")
l = pd.read_csv("data_labels.csv")
print(json.dumps({
  "dtype": str(d["a2_years"].dtype), "mean": float(d["a2_years"].mean()),
  "labels_dtype": str(l["a2_years"].dtype), "labels_mean": float(l["a2_years"].mean()),
  "count_dtypes": sorted(set(str(d[c].dtype) for c in d.columns if c.startswith("b3_cases_"))),
  "started": str(d["started_at"].dtype), "first": str(d["started_at"].iloc[0])[:19],
}))`);
    expect(read.dtype).toBe('float64');
    expect(read.mean).toBeCloseTo(validMean('a2_years'), 9);
    expect(read.labels_dtype).toMatch(/^(int|float)64$/);
    expect(read.labels_mean).toBeCloseTo(validMean('a2_years'), 9);
    expect(read.count_dtypes).toEqual(['float64']);
    expect(read.started).toMatch(/^datetime64/);
    expect(`${read.first.replace(' ', 'T')}Z`).toBe(wave.col(wave.data[0] as string[], 'started_at'));
  });

  it('gives every .dta variable a short label of its own that keeps the item, the full text staying in the codebook', () => {
    const labels: Record<string, string> = python(`
import json, pandas as pd
with pd.io.stata.StataReader("data.dta") as r:
    print(json.dumps(r.variable_labels()))`);
    const all = Object.values(labels);
    expect(all).toHaveLength(wave.header.length);
    expect(new Set(all).size).toBe(all.length);
    for (const label of all) expect(Array.from(label).length).toBeLessThanOrEqual(80);
    expect(labels.b3_cases_2010_sex).toBe('B3 cases: 2010: Sex trafficking');
    expect(labels.a6_staff_investigators).toBe('A6 staff: Investigators');
    const full = codebook.variables.find((v) => v.name === 'b3_cases_2010_sex')?.label;
    expect(full).toMatch(/^In each calendar year from 2009 to 2018, how many defendants .* — 2010: Sex trafficking$/);
  });

  it('declares a yes/no grid nominal and a frequency scale ordinal, as PSPP reads them', () => {
    const report = readSavWithPspp(wave.ws.file('export/data.sav'), wave.ws.dir);
    const measure = new Map((report.tables.get('Variables')?.rows ?? []).map((r) => [r[0], r[3]?.toLowerCase()]));
    const yesNo = codebook.variables.filter((v) => v.name.startsWith('d3_services_'));
    expect(yesNo.length).toBeGreaterThan(2);
    for (const v of yesNo) expect(measure.get(v.name), v.name).toBe('nominal');
    const scale = codebook.variables.filter((v) => v.name.startsWith('c1_source_'));
    for (const v of scale) expect(measure.get(v.name), v.name).toBe('ordinal');
    writeFileSync(wave.ws.file('export/sets.sps'), "GET FILE='data.sav'.\nMRSETS /DISPLAY NAME=[$a7_unit].\n");
    const out = execFileSync('pspp', ['sets.sps'], { cwd: wave.ws.file('export'), encoding: 'utf8' });
    expect(out).toMatch(/\$a7_unit/);
    expect(out).toMatch(/a7_unit_1/i);
  }, 60_000);
});
