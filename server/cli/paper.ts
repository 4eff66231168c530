import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseConfig } from '../config.js';
import { type Instrument, loadInstrumentFile, loadInstruments } from '../instruments/registry.js';
import { instrumentHtml } from '../paper/instrumentHtml.js';
import { paperInstrument } from '../paper/layout.js';
import { printHtmlToPdf } from '../paper/pdf.js';
import { type Command, resolveFrom, UsageError } from './io.js';

/** A loaded instrument by `id[@version]`, or an instrument file given by its path. */
function instrumentOf(ref: string, instrumentsDir: string, resolve: (file: string) => string): Instrument {
  if (ref.toLowerCase().endsWith('.json')) return loadInstrumentFile(resolve(ref), ref);
  const registry = loadInstruments(instrumentsDir);
  const instrument = registry.resolve(ref);
  if (!instrument) {
    throw new UsageError(
      `No instrument "${ref}". Known: ${registry
        .all()
        .map((i) => i.key)
        .join(', ')}; or give the path of an instrument file (.json).`,
    );
  }
  return instrument;
}

const pageCount = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g)?.length ?? 0;

export const paperCommands: Record<string, Command> = {
  /** A blank paper copy of any instrument, its skip instructions in words (paper/layout.ts). */
  async 'instruments print'(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
    const [ref] = positionals;
    if (!ref || positionals.length > 1) {
      throw new UsageError(
        'Name one instrument, e.g. fieldkit instruments print tip-prosecutor-survey --out paper.pdf.',
      );
    }
    if (!values.out) throw new UsageError('Missing --out (a .pdf file, or .html to print from a browser).');
    const format = values.out.toLowerCase().endsWith('.pdf')
      ? 'pdf'
      : values.out.toLowerCase().endsWith('.html')
        ? 'html'
        : undefined;
    if (!format) throw new UsageError('--out must name a .pdf or .html file.');
    const config = parseConfig(io.env, io.cwd);
    const instrument = instrumentOf(ref, config.instrumentsDir, (file) => resolveFrom(io, file));
    const paper = paperInstrument(instrument);
    const html = instrumentHtml(paper);
    const out = resolveFrom(io, values.out);
    const questions = paper.pages.flatMap((p) => p.elements.filter((e) => e.kind === 'question')).length;
    if (format === 'html') {
      writeFileSync(out, html);
      io.out(`Paper copy of ${instrument.key} (${questions} questions) written to ${values.out}.`);
      return;
    }
    const pdf = await printHtmlToPdf(html, config.chromiumPath);
    writeFileSync(`${out}.part`, pdf);
    renameSync(`${out}.part`, out);
    io.out(
      `Paper copy of ${instrument.key} (${questions} questions, ${pageCount(pdf)} pages) written to ${values.out}.`,
    );
  },
};
