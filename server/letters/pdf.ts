import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { Letter, LetterBatch } from './service.js';

/** How long drawing may hold the event loop before letting other requests run (as the case list does). */
const SLICE_MS = 8;

// US Letter in points, with one-inch margins: the page a window envelope expects.
const MARGIN = 72;

type Doc = PDFKit.PDFDocument;

/** One letter on the current page; every text is a tagged paragraph of the page's section. */
function drawLetter(doc: Doc, batch: Pick<LetterBatch, 'studyTitle' | 'date' | 'shortUrl'>, letter: Letter) {
  const section = doc.struct('Sect');
  doc.addStructure(section);
  const width = doc.page.width - 2 * MARGIN;
  const text = (s: string, font: string, size: number, options: PDFKit.Mixins.TextOptions = {}) =>
    doc
      .font(font)
      .fontSize(size)
      .text(s, { width, structParent: section, ...options });

  text(batch.studyTitle, 'Helvetica-Bold', 13, { structType: 'H1' });
  doc.moveDown(1.5);
  text(batch.date, 'Helvetica', 11);
  doc.moveDown(1.5);
  text(letter.addressLines.join('\n'), 'Helvetica', 11, { lineGap: 1 });
  doc.moveDown(2);
  text(`Dear ${letter.contactName},`, 'Helvetica', 11);
  doc.moveDown(0.8);
  text(
    `Your office, ${letter.officeName}, has been selected to take part in the survey “${batch.studyTitle}”. ` +
      'Every office’s answers matter: together they describe the work of offices like yours nationwide, ' +
      'and no office can be replaced by another.',
    'Helvetica',
    11,
    { lineGap: 2 },
  );
  doc.moveDown(0.8);
  text(
    'To take part, go to the address below and type the access code. The code is for your office only; ' +
      'you can stop at any time and continue later with the same code, and a colleague may answer for the office.',
    'Helvetica',
    11,
    { lineGap: 2 },
  );
  doc.moveDown(1.5);
  text('Go to', 'Helvetica', 10);
  text(batch.shortUrl, 'Helvetica-Bold', 18);
  doc.moveDown(0.8);
  text('and type your access code', 'Helvetica', 10);
  doc.moveDown(0.4);
  text(letter.accessCode, 'Courier-Bold', 30, { characterSpacing: 2 });
  doc.moveDown(2);
  text('Thank you for your help.', 'Helvetica', 11);
  section.end();
}

/**
 * Writes the letters as one PDF to `out`, one page per letter, and resolves when `out` has it all.
 * The document streams: each finished page goes out while the next is drawn, and drawing yields to
 * the event loop every few milliseconds, so 2,300 pages never hold the server's requests for long.
 */
export async function writeLettersPdf(
  batch: Pick<LetterBatch, 'fielding' | 'studyTitle' | 'date' | 'shortUrl' | 'letters'>,
  out: Writable,
  onPage?: (done: number, total: number) => void,
): Promise<void> {
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: MARGIN,
    autoFirstPage: false,
    pdfVersion: '1.7',
    tagged: true,
    lang: 'en-US',
    displayTitle: true,
    info: {
      Title: `Letters: ${batch.studyTitle} (${batch.fielding})`,
      Author: 'Fieldkit',
      Subject: `${batch.letters.length} letters with access codes`,
    },
  });
  doc.pipe(out);
  const done = finished(out);
  let slice = performance.now();
  for (const [i, letter] of batch.letters.entries()) {
    if (performance.now() - slice > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = performance.now();
    }
    doc.addPage();
    drawLetter(doc, batch, letter);
    onPage?.(i + 1, batch.letters.length);
  }
  doc.end();
  await done;
}
