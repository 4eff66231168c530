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
function drawLetter(doc: Doc, batch: Pick<LetterBatch, 'studyTitle' | 'date' | 'shortUrl' | 'sender'>, letter: Letter) {
  const section = doc.struct('Sect');
  doc.addStructure(section);
  const width = doc.page.width - 2 * MARGIN;
  const text = (s: string, font: string, size: number, options: PDFKit.Mixins.TextOptions = {}) =>
    doc
      .font(font)
      .fontSize(size)
      .text(s, { width, structParent: section, ...options });
  const { sender } = batch;
  const lines = (...parts: string[]) =>
    parts
      .flatMap((p) => p.split(/\r?\n/))
      .map((l) => l.trim())
      .filter((l) => l !== '');

  text(batch.studyTitle, 'Helvetica-Bold', 13, { structType: 'H1' });
  // The return address: where a reply, or the Post Office, sends back.
  const from = lines(sender.institution, sender.returnAddress, sender.phone ? `Phone: ${sender.phone}` : '');
  if (from.length > 0) {
    doc.moveDown(0.4);
    text(from.join('\n'), 'Helvetica', 9, { lineGap: 0.5 });
  }
  doc.moveDown(1.2);
  text(batch.date, 'Helvetica', 11);
  doc.moveDown(1.2);
  // Above the name, inside the envelope's window: returned mail is matched to its office without opening it.
  text(`Control no. ${letter.officeId}`, 'Helvetica', 8);
  doc.moveDown(0.2);
  text(letter.addressLines.join('\n'), 'Helvetica', 11, { lineGap: 1 });
  doc.moveDown(1.5);
  for (const paragraph of letter.paragraphs) {
    text(paragraph, 'Helvetica', 11, { lineGap: 2 });
    doc.moveDown(0.7);
  }
  doc.moveDown(0.5);
  text('Go to', 'Helvetica', 10);
  text(batch.shortUrl, 'Helvetica-Bold', 18);
  doc.moveDown(0.6);
  text('and type your access code', 'Helvetica', 10);
  doc.moveDown(0.3);
  text(letter.accessCode, 'Courier-Bold', 28, { characterSpacing: 2 });
  const signedBy = lines(sender.signature, sender.senderName, sender.senderTitle, sender.institution);
  if (signedBy.length > 0) {
    doc.moveDown(1.2);
    text('Sincerely,', 'Helvetica', 11);
    doc.moveDown(0.8);
    text(signedBy.join('\n'), 'Helvetica', 11, { lineGap: 1 });
  }
  if (sender.phone) {
    doc.moveDown(0.8);
    text(`Questions? Call ${sender.phone}.`, 'Helvetica', 10);
  }
  section.end();
}

/**
 * Writes the letters as one PDF to `out`, one page per letter, and resolves when `out` has it all.
 * The document streams: each finished page goes out while the next is drawn, and drawing yields to
 * the event loop every few milliseconds, so 2,300 pages never hold the server's requests for long.
 */
export async function writeLettersPdf(
  batch: Pick<LetterBatch, 'fielding' | 'studyTitle' | 'date' | 'shortUrl' | 'sender' | 'letters'>,
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
