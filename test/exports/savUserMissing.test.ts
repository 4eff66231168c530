import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportInProcess } from '../factories/export.js';
import { fieldedWave } from '../fieldwork/fielded.js';
import { openEnv } from '../responses/setup.js';
import { psppMissingCodes, readSavWithPspp, records } from '../support/readBack.js';

const RESERVED = ['-9', '-8', '-7', '-6'];

describe('data.sav read back by GNU PSPP', { timeout: 90_000 }, () => {
  it('declares user-missing every reserved code (-9..-6) a numeric column holds, the export’s own columns included', async () => {
    const env = openEnv();
    // Completes and a partial that was never submitted (no duration), as the default export holds them.
    await fieldedWave(env);
    const out = path.join(env.dir, 'export');
    await exportInProcess(env, { fielding: 'wave1', out, formats: ['csv', 'sav'] });
    const report = readSavWithPspp(path.join(out, 'data.sav'), env.dir);
    const declared = new Map(
      (report.tables.get('Variables')?.rows ?? []).map(([name = '', , , , , , , format = '', , missing = '']) => [
        name,
        // A date-time (started_at, submitted_at) is numeric too: its missing code is stored as the code.
        { numeric: /^(F|DATETIME)\d/.test(format), codes: psppMissingCodes(missing) },
      ]),
    );
    const [header = [], ...rows] = records(readFileSync(path.join(out, 'data.csv'), 'utf8'));
    expect(rows.map((r) => r[header.indexOf('disposition')]).sort()).toEqual(['1.1', '1.1', '1.2']);
    const undeclared: string[] = [];
    header.forEach((name, i) => {
      const variable = declared.get(name);
      if (!variable?.numeric) return;
      for (const code of new Set(rows.map((r) => r[i] ?? ''))) {
        if (RESERVED.includes(code) && !variable.codes.includes(Number(code))) undeclared.push(`${name} ${code}`);
      }
    });
    expect(undeclared).toEqual([]);
  });
});
