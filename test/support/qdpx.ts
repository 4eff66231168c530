/**
 * Reading a `.qdpx` back with tools that did not write it: Python's zipfile for the members (bytes
 * decoded as strict UTF-8, so a wrong encoding fails instead of being patched over) and xmllint
 * (Debian libxml2-utils, scripts/install-test-deps.sh) for the REFI-QDA schema.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The REFI-QDA Project schema of 18 March 2019 (test/fixtures/refi-qda/SOURCE.md, MIT). */
export const REFI_QDA_SCHEMA = fileURLToPath(new URL('../fixtures/refi-qda/Project-mrt2019.xsd', import.meta.url));

/** xmllint's verdict on a project.qde against the REFI-QDA schema, offline. */
export function validateProjectQde(xml: string): { valid: boolean; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-qdpx-lint-'));
  try {
    const file = path.join(dir, 'project.qde');
    writeFileSync(file, xml);
    const lint = spawnSync('xmllint', ['--noout', '--nonet', '--schema', REFI_QDA_SCHEMA, file], { encoding: 'utf8' });
    if (lint.error) throw new Error(`xmllint is missing (apt-get install libxml2-utils): ${lint.error.message}`);
    return { valid: lint.status === 0, output: `${lint.stdout}${lint.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The parts of a project.qde a test compares, read with Python's ElementTree (not the writer's code). */
export type QdeSummary = {
  namespace: string;
  users: { guid: string; name: string }[];
  variables: { guid: string; name: string; type: string }[];
  cases: { guid: string; name: string; values: Record<string, string>; sources: string[] }[];
  sources: { guid: string; name: string; path: string; creatingUser: string; modifyingUser: string }[];
  sets: { name: string; sources: string[] }[];
};

const SUMMARY_SCRIPT = `
import json, sys
import xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
ns = root.tag[1:].split('}')[0]
q = lambda t: '{%s}%s' % (ns, t)
variables = {v.get('guid'): v for v in root.iter(q('Variable'))}
def value(vv):
    ref = vv.find(q('VariableRef')).get('targetGUID')
    item = [c for c in vv if c.tag != q('VariableRef')][0]
    return variables[ref].get('name'), item.text
print(json.dumps({
  'namespace': ns,
  'users': [{'guid': u.get('guid'), 'name': u.get('name')} for u in root.iter(q('User'))],
  'variables': [{'guid': v.get('guid'), 'name': v.get('name'), 'type': v.get('typeOfVariable')} for v in variables.values()],
  'cases': [{'guid': c.get('guid'), 'name': c.get('name'),
             'values': dict(value(vv) for vv in c.findall(q('VariableValue'))),
             'sources': [s.get('targetGUID') for s in c.findall(q('SourceRef'))]} for c in root.iter(q('Case'))],
  'sources': [{'guid': s.get('guid'), 'name': s.get('name'), 'path': s.get('plainTextPath'),
               'creatingUser': s.get('creatingUser'), 'modifyingUser': s.get('modifyingUser')} for s in root.iter(q('TextSource'))],
  'sets': [{'name': s.get('name'), 'sources': [m.get('targetGUID') for m in s.findall(q('MemberSource'))]} for s in root.iter(q('Set'))],
}))
`;

export function summarizeQde(xml: string): QdeSummary {
  const read = spawnSync('/usr/bin/python3', ['-c', SUMMARY_SCRIPT], { input: xml, encoding: 'utf8' });
  expect(read.status, read.stderr).toBe(0);
  return JSON.parse(read.stdout) as QdeSummary;
}

/** The text of each source, by the GUID of its TextSource, from the zip's Sources/ folder. */
export function sourceTexts(files: Record<string, string>, summary: QdeSummary): Map<string, string> {
  const texts = new Map<string, string>();
  for (const s of summary.sources) {
    const member = `Sources/${s.path.replace(/^internal:\/\//, '')}`;
    expect(files, `${member} is in the zip`).toHaveProperty([member]);
    texts.set(s.guid, files[member] as string);
  }
  return texts;
}
