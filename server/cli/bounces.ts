import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readBounceFile } from '../bounces/dsn.js';
import {
  applyBounces,
  type BounceFile,
  type BounceFileReport,
  bouncesInvalid,
  formatBounceProblem,
  problemsOf,
  type UnmatchedRecipient,
} from '../bounces/service.js';
import { createRepos } from '../repos.js';
import { type CliIo, type Command, osUser, resolveFrom, UsageError } from './io.js';

function readFiles(io: CliIo, names: string[]): BounceFile[] {
  return names.map((name) => {
    let text: string;
    try {
      text = readFileSync(resolveFrom(io, name), 'utf8');
    } catch {
      throw new UsageError(`Cannot read ${name}.`);
    }
    return { name, messages: readBounceFile(text) };
  });
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function unmatchedReason(u: UnmatchedRecipient): string {
  if (u.reason === 'no_message_id') return 'no Message-ID of ours came back with it';
  if (u.reason === 'unknown_message_id') return `its Message-ID ${u.messageId} matches no send`;
  return `the send with Message-ID ${u.messageId} went to another address`;
}

function printReport(io: CliIo, r: BounceFileReport, dryRun: boolean): void {
  io.out(`${r.name}: ${plural(r.messages, 'message')}, ${plural(r.dsns, 'delivery-status notification')}`);
  const marked = dryRun ? 'would be marked undeliverable' : 'marked undeliverable';
  for (const c of r.markedUndeliverable) io.out(`  ${marked}: ${c.email} (office ${c.officeId}), ${c.status}`);
  for (const c of r.alreadyUndeliverable) {
    io.out(`  already undeliverable: ${c.email} (office ${c.officeId}), ${c.status}`);
  }
  for (const t of r.temporary) {
    io.out(`  temporary, nothing changed: ${t.email}, ${t.action} ${t.status} (message at line ${t.line})`);
  }
  for (const u of r.unmatched) {
    io.out(`  not applied: ${u.email}, ${u.status} (message at line ${u.line}): ${unmatchedReason(u)}`);
  }
  for (const s of r.skipped) io.out(`  skipped line ${s.line}: ${s.reason}`);
  io.out(
    `  ${plural(r.markedUndeliverable.length, 'contact')} ${marked}, ${r.alreadyUndeliverable.length} already undeliverable, ` +
      `${r.temporary.length} temporary, ${r.unmatched.length} not applied, ${r.skipped.length} skipped` +
      (r.ignored > 0 ? `, ${r.ignored} delivered, relayed or expanded (nothing to do).` : '.'),
  );
}

export const bounceCommands: Record<string, Command> = {
  /** Feeds bounce messages saved from the study's mailbox into the case logs (bounces/service.ts). */
  'bounces read'(args, io, runtime) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { 'dry-run': { type: 'boolean', default: false } },
    });
    if (positionals.length === 0) throw new UsageError('Name the .eml or mbox file(s) to read.');
    const files = readFiles(io, positionals);
    // Problems are found before the database is opened: a broken file changes nothing, anywhere.
    const problems = problemsOf(files);
    if (problems.length > 0) {
      for (const p of problems.slice(0, 200)) io.err(formatBounceProblem(p));
      if (problems.length > 200) io.err(`... and ${problems.length - 200} more problems`);
      throw bouncesInvalid(problems);
    }
    const dryRun = values['dry-run'] === true;
    const deps = runtime();
    try {
      const reports = applyBounces(
        { repos: createRepos(deps.db), clock: deps.clock },
        { files, actor: osUser(), dryRun },
      );
      if (dryRun) io.out('Dry run: nothing was changed.');
      for (const report of reports) printReport(io, report, dryRun);
    } finally {
      deps.db.close();
    }
  },
};
