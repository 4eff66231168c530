import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/platform/csv.js';
import { stratifiedWave } from './wave.js';

const exportedDesign = () => stratifiedWave('csv,r,sav,dta');

describe('design variables and ready-made design syntax', () => {
  it('codes the strata by size with their frame counts, and design.R gives the textbook stratified estimates with intervals', async () => {
    const { ws, data, col } = await exportedDesign();
    // stratum_code: 1 is the stratum of the largest offices; stratum_N its frame count.
    const codes = new Map(data.map((r) => [col(r, 'stratum'), [col(r, 'stratum_code'), col(r, 'stratum_N')]]));
    expect(Object.fromEntries(codes)).toEqual({
      '1,000,000+': ['1', '4'],
      '250,000–999,999': ['2', '4'],
      '100,000–249,999': ['3', '4'],
      'under 100,000': ['4', '6'],
    });

    // The estimates by hand, from data.csv alone: completes only, proportion charged per stratum,
    // and its standard error for a stratified random sample without replacement.
    const byStratum = new Map<string, { N: number; ys: number[] }>();
    for (const r of data.filter((r) => col(r, 'disposition') === '1.1')) {
      const s = byStratum.get(col(r, 'stratum_code')) ?? { N: Number(col(r, 'stratum_N')), ys: [] };
      s.ys.push(col(r, 'b2_anycase') === '1' ? 1 : 0);
      byStratum.set(col(r, 'stratum_code'), s);
    }
    const expected = [...byStratum].map(([code, { N, ys }]) => {
      const n = ys.length;
      const p = ys.reduce((a, b) => a + b, 0) / n;
      const s2 = ys.reduce((a, y) => a + (y - p) ** 2, 0) / (n - 1);
      return { code, N, p, se: Math.sqrt((1 - n / N) * (s2 / n)) };
    });
    const total = expected.reduce((a, e) => a + e.N, 0);
    const overall = expected.reduce((a, e) => a + (e.N / total) * e.p, 0);
    const overallSe = Math.sqrt(expected.reduce((a, e) => a + (e.N / total) ** 2 * e.se ** 2, 0));

    // The analyst's script: nothing but the export's own design.R.
    const script = [
      'source("design.R")',
      'tab <- svyby(~as.numeric(b2_anycase == "Yes"), ~stratum_code, design, svymean)',
      'ci <- confint(tab)',
      'all <- svymean(~as.numeric(b2_anycase == "Yes"), design)',
      'out <- data.frame(stratum = as.character(tab$stratum_code), p = coef(tab), se = SE(tab), low = ci[, 1], high = ci[, 2])',
      'out <- rbind(out, data.frame(stratum = "all", p = coef(all)[[1]], se = SE(all)[[1]], low = confint(all)[1, 1], high = confint(all)[1, 2]))',
      'write.csv(out, "estimates.csv", row.names = FALSE)',
    ].join('\n');
    writeFileSync(ws.file('export/table.R'), script);
    execFileSync('/usr/bin/Rscript', ['table.R'], { cwd: ws.file('export'), env: { ...process.env, LANG: 'C.UTF-8' } });
    const [, ...estimates] = parseCsv(readFileSync(ws.file('export/estimates.csv'), 'utf8')).records.map(
      (r) => r.fields,
    );
    const labels = ['1,000,000+', '250,000–999,999', '100,000–249,999', 'under 100,000'];
    for (const e of expected) {
      const row = estimates.find((r) => r[0] === labels[Number(e.code) - 1]);
      expect(Number(row?.[1]), `p of stratum ${e.code}`).toBeCloseTo(e.p, 10);
      expect(Number(row?.[2]), `se of stratum ${e.code}`).toBeCloseTo(e.se, 10);
      expect(Number(row?.[3])).toBeCloseTo(e.p - 1.959964 * e.se, 5);
    }
    const all = estimates.find((r) => r[0] === 'all');
    expect(Number(all?.[1])).toBeCloseTo(overall, 10);
    expect(Number(all?.[2])).toBeCloseTo(overallSe, 10);
    // The tables sort by size: R lists the strata in code order.
    expect(estimates.slice(0, 4).map((r) => r[0])).toEqual(labels);
  }, 90_000);

  it('design.sps runs in GNU PSPP: the completes weighted by wt_nr add up to each stratum’s frame count', async () => {
    const { ws } = await exportedDesign();
    const sps = readFileSync(ws.file('export/design.sps'), 'utf8');
    writeFileSync(
      ws.file('export/check.sps'),
      `${sps}\nCROSSTABS /TABLES=stratum_code BY b2_anycase /CELLS=COUNT.\nFREQUENCIES /VARIABLES=stratum_code.\n`,
    );
    const out = execFileSync('pspp', ['-O', 'format=csv', '-o', 'report.csv', 'check.sps'], {
      cwd: ws.file('export'),
      encoding: 'utf8',
    });
    expect(out).not.toMatch(/error/i);
    const report = readFileSync(ws.file('export/report.csv'), 'utf8');
    const freq = report.slice(report.lastIndexOf('Table: Stratum (code'));
    for (const [label, n] of [
      ['1,000,000+', 4],
      ['250,000–999,999', 4],
      ['100,000–249,999', 4],
      ['under 100,000', 6],
    ] as const) {
      expect(freq).toMatch(new RegExp(`"${label.replace(/[+]/g, '\\+')}",${n}(\\.0+)?,`));
    }
    const design = readFileSync(ws.file('export/design.do'), 'utf8');
    expect(design).toContain('svyset _n [pweight = wt_nr], strata(stratum_code) fpc(stratum_N)');
  }, 90_000);
});
