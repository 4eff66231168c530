import { createHmac } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { Instrument } from '../instruments/registry.js';
import { intervieweeValues, noteSections, notesText } from './qdpxNotes.js';

/**
 * A REFI-QDA project (QDA-XML 1.0, urn:QDA-XML:project:1.0) of interview notes: the exchange
 * format NVivo, ATLAS.ti, MAXQDA and QualCoder import. Each interview record is a text source, its
 * interviewee a case with variables linked to it, each interviewer a user, each interview
 * instrument a set of its sources.
 */
export const QDA_NAMESPACE = 'urn:QDA-XML:project:1.0';

/** Who entered or last saved a record, as the project names them (the full name, or initials). */
export type QdaPerson = { id: number; name: string };

/** One interview record, as plain data: what the writer needs and nothing of the database. */
export type QdaInterview = {
  recordId: number;
  instrument: Instrument;
  answers: Record<string, unknown>;
  site: string;
  startedBy: QdaPerson;
  lastSavedBy: QdaPerson;
  /** ISO 8601 instants. */
  createdAt: string;
  updatedAt: string;
};

export type QdaProjectInput = {
  name: string;
  /** The study's key (64 hex digits) the GUIDs are derived from. */
  guidKey: string;
  createdAt: string;
  interviews: readonly QdaInterview[];
};

/** The project: `project.qde` and the plain texts of `Sources/`, by file name. */
export type QdaProject = { xml: string; sources: { path: string; text: string }[] };

/**
 * A GUID derived from the study's key and what it names (an RFC 9562 version 8 UUID made of an
 * HMAC-SHA-256), so a second export of the same records gives the same sources, cases and users:
 * codings made on the first import map onto the second. Without the key nobody learns the record id.
 */
export function qdaGuid(key: string, name: string): string {
  const bytes = createHmac('sha256', Buffer.from(key, 'hex')).update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// XML 1.0 cannot carry these at all (nor a lone surrogate); names and descriptions typed with them
// get U+FFFD instead.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML cannot carry.
const NOT_XML_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// In an attribute a reader normalizes tabs and line breaks to spaces unless they are references.
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Text for an attribute or an element of the project, as any XML reader gives it back. */
const xml = (text: string) =>
  text
    .replace(NOT_XML_CHARACTER, '\ufffd')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(/[&<>"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c] as string);

const VARIABLES = [
  { key: 'site', name: 'Site', type: 'Text' },
  { key: 'role', name: 'Role', type: 'Text' },
  { key: 'agency', name: 'Agency type', type: 'Text' },
  { key: 'years', name: 'Years in role', type: 'Integer' },
] as const;

/** The project of the given interviews, in the order given. Pure: the same input gives the same bytes. */
export function buildQdaProject(input: QdaProjectInput): QdaProject {
  const guid = (name: string) => qdaGuid(input.guidKey, name);
  const users = new Map<number, QdaPerson>();
  for (const i of input.interviews) {
    users.set(i.startedBy.id, i.startedBy);
    users.set(i.lastSavedBy.id, i.lastSavedBy);
  }
  const variableGuid = (key: string) => guid(`variable:${key}`);
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Project xmlns="${QDA_NAMESPACE}" name="${xml(input.name)}" origin="Fieldkit" creationDateTime="${xml(input.createdAt)}">`,
  ];
  if (users.size > 0) {
    lines.push('  <Users>');
    for (const u of [...users.values()].sort((a, b) => a.id - b.id)) {
      lines.push(`    <User guid="${guid(`user:${u.id}`)}" name="${xml(u.name)}"/>`);
    }
    lines.push('  </Users>');
  }
  lines.push('  <Variables>');
  for (const v of VARIABLES) {
    lines.push(`    <Variable guid="${variableGuid(v.key)}" name="${v.name}" typeOfVariable="${v.type}"/>`);
  }
  lines.push('  </Variables>');

  const sources: QdaProject['sources'] = [];
  const caseLines: string[] = [];
  const sourceLines: string[] = [];
  for (const i of input.interviews) {
    const sourceGuid = guid(`source:${i.recordId}`);
    const values = { site: i.site, ...intervieweeValues(i.instrument, i.answers) };
    caseLines.push(`    <Case guid="${guid(`case:${i.recordId}`)}" name="Interviewee ${i.recordId}">`);
    for (const v of VARIABLES) {
      const value = values[v.key];
      if (value === undefined) continue;
      const element = v.type === 'Integer' ? 'IntegerValue' : 'TextValue';
      caseLines.push(
        `      <VariableValue><VariableRef targetGUID="${variableGuid(v.key)}"/><${element}>${xml(String(value))}</${element}></VariableValue>`,
      );
    }
    caseLines.push(`      <SourceRef targetGUID="${sourceGuid}"/>`, '    </Case>');
    const path = `${sourceGuid}.txt`;
    sources.push({ path: `Sources/${path}`, text: notesText(noteSections(i.instrument, i.answers)) });
    sourceLines.push(
      `    <TextSource guid="${sourceGuid}" name="${xml(`Interview ${i.recordId} (${i.site})`)}" plainTextPath="internal://${path}"` +
        ` creatingUser="${guid(`user:${i.startedBy.id}`)}" creationDateTime="${xml(i.createdAt)}"` +
        ` modifyingUser="${guid(`user:${i.lastSavedBy.id}`)}" modifiedDateTime="${xml(i.updatedAt)}">`,
      `      <Description>${xml(`${i.instrument.meta.title}, version ${i.instrument.meta.version}; record ${i.recordId}`)}</Description>`,
      '    </TextSource>',
    );
  }
  if (caseLines.length > 0) lines.push('  <Cases>', ...caseLines, '  </Cases>');
  if (sourceLines.length > 0) lines.push('  <Sources>', ...sourceLines, '  </Sources>');
  // One set per interview instrument (prosecutors, law enforcement, victim services): the document
  // groups or sets the analysis software compares, in the order the instruments first appear.
  const sets = new Map<string, { title: string; sources: string[] }>();
  for (const i of input.interviews) {
    const set = sets.get(i.instrument.meta.id) ?? { title: i.instrument.meta.title, sources: [] };
    set.sources.push(guid(`source:${i.recordId}`));
    sets.set(i.instrument.meta.id, set);
  }
  if (sets.size > 0) {
    lines.push('  <Sets>');
    for (const [id, set] of sets) {
      lines.push(`    <Set guid="${guid(`set:${id}`)}" name="${xml(set.title)}">`);
      for (const source of set.sources) lines.push(`      <MemberSource targetGUID="${source}"/>`);
      lines.push('    </Set>');
    }
    lines.push('  </Sets>');
  }
  lines.push('</Project>', '');
  return { xml: lines.join('\n'), sources };
}

/**
 * The `.qdpx` file: a zip of `project.qde` and `Sources/`, streamed (yazl). Texts are UTF-8 without
 * a byte-order mark, as QDA-XML's plain text sources are.
 */
export function qdpxStream(project: QdaProject, mtime: Date): Readable {
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(project.xml, 'utf8'), 'project.qde', { mtime });
  for (const s of project.sources) zip.addBuffer(Buffer.from(s.text, 'utf8'), s.path, { mtime });
  zip.end();
  return zip.outputStream as Readable;
}
