import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

/**
 * The members of a zip by name, as UTF-8 text, read by Python's zipfile (not by the code that wrote
 * it). By default a member that is not valid UTF-8 fails the read, so a text that lost or changed a
 * byte cannot pass unnoticed; `{ binary: true }` lets members that are not text (.sav, .dta) through
 * with replacement characters, for tests that look only at the text members.
 */
export function unzipWithPython(zip: Buffer, options: { binary?: boolean } = {}): Record<string, string> {
  const decode = options.binary ? 'decode("utf-8", "replace")' : 'decode("utf-8")';
  const read = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      `import io, json, sys, zipfile\nz = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\nprint(json.dumps({n: z.read(n).${decode} for n in z.namelist()}))`,
    ],
    { input: zip, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  expect(read.status, read.stderr).toBe(0);
  return JSON.parse(read.stdout) as Record<string, string>;
}
