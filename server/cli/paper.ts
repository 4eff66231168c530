import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadInstrumentFile } from '../instruments/registry.js';
import { instrumentHtml } from '../paper/instrumentHtml.js';
import { paperInstrument } from '../paper/layout.js';
import { printHtmlToPdf } from '../paper/pdf.js';
import { parseConfig } from '../platform/config.js';
import { resolveInstrument } from './instruments.js';
import { type Command, resolveFrom, UsageError } from './io.js';

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
    // A file path prints an instrument that is not (yet) loaded on this server.
    const instrument = ref.toLowerCase().endsWith('.json')
      ? loadInstrumentFile(resolveFrom(io, ref), ref)
      : resolveInstrument(io, ref);
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
