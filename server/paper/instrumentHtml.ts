import { escapeHtml } from '../platform/html.js';
import type { PaperAnswer, PaperInstrument, PaperPage, PaperQuestion } from './layout.js';

const BOX = '<span class="box" aria-hidden="true">☐</span>';
const LINE = '<span class="line"></span>';
const DK = `<span class="dk">${BOX} Don’t know</span>`;

/** Long choice lists (states) are set in columns so they do not run over pages. */
const COLUMNS_FROM = 12;

/** Printed for paper in the style sheet; the screen view is the same page, narrower. */
const STYLE = `
@page { size: letter; margin: 16mm 16mm 18mm; }
* { box-sizing: border-box; }
body { font: 11pt/1.4 "DejaVu Sans", Arial, Helvetica, sans-serif; color: #000; max-width: 50rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 17pt; margin: 0 0 .4em; }
h2 { font-size: 13pt; margin: 0 0 .3em; border-bottom: 2px solid #000; padding-bottom: .15em; }
.about p, .page-intro p { margin: .3em 0; }
.howto { border: 1px solid #000; padding: .4em .7em; margin: 1em 0; }
.page { margin-top: 1.5em; }
.q { break-inside: avoid; page-break-inside: avoid; margin: 0 0 1.1em; }
.q h3 { font-size: 11pt; margin: 0 0 .3em; font-weight: normal; }
.num { font-weight: bold; margin-right: .3em; }
.name { font: 8pt "DejaVu Sans Mono", monospace; color: #333; margin-left: .4em; }
.desc { font-size: 9.5pt; margin: 0 0 .3em; }
.skip { font-weight: bold; margin: 0 0 .3em; padding-left: .5em; border-left: 3px solid #000; }
.choices { list-style: none; margin: .2em 0 0; padding-left: 1.4em; }
.choices li { margin: .1em 0; }
.choices.many { columns: 3; column-gap: 1.5em; font-size: 9.5pt; }
.box { font-size: 12pt; margin-right: .35em; }
.line { display: inline-block; border-bottom: 1px solid #000; min-width: 14em; height: 1.2em; vertical-align: bottom; }
.line.short { min-width: 3em; }
.write { margin: .2em 0 0 1.4em; }
.write.lines .line { display: block; width: 100%; height: 1.8em; }
.hint { font-size: 9pt; margin-left: .4em; }
.dk { margin-left: 1em; font-size: 9.5pt; }
table { border-collapse: collapse; width: 100%; margin-top: .3em; font-size: 9.5pt; }
th, td { border: 1px solid #000; padding: .2em .35em; text-align: left; vertical-align: top; }
thead th { text-align: center; }
td.cell { text-align: center; }
td.blank { height: 1.9em; min-width: 5em; }
.notes { font-size: 9pt; margin: .2em 0 0; }
.repeat { border-left: 1px dashed #000; padding-left: .8em; margin-left: .4em; }
.no-print { margin: 1rem 0; }
@media print {
  body { margin: 0; max-width: none; padding: 0; }
  .no-print { display: none; }
  .page { break-before: page; page-break-before: always; margin-top: 0; }
  main > .page:first-of-type { break-before: auto; page-break-before: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}`;

function skipInstruction(condition: string, skipTo: string | null, mode: PaperInstrument['mode'], what: string) {
  if (mode === 'interviewer') return `Ask only if ${condition}.`;
  const otherwise = skipTo === null ? 'go to the end of the questionnaire' : `skip to question ${skipTo}`;
  return `If ${condition}, answer ${what}; otherwise ${otherwise}.`;
}

function answerHtml(answer: PaperAnswer, description: string, mode: PaperInstrument['mode']): string {
  switch (answer.kind) {
    case 'choices': {
      const items = answer.choices
        .map((c) => `<li>${BOX}${escapeHtml(c.label)}${c.specify ? ` ${LINE}` : ''}</li>`)
        .join('');
      // The instrument's own instruction ("Select up to three.") is kept; paper adds one only where it has none.
      const instruction = answer.atMost ? `Mark up to ${answer.atMost}.` : 'Mark all that apply.';
      const note =
        answer.multiple && !/select|mark|all that apply/i.test(description) ? `<p class="desc">${instruction}</p>` : '';
      return `${note}<ul class="choices${answer.choices.length >= COLUMNS_FROM ? ' many' : ''}">${items}</ul>`;
    }
    case 'write': {
      const hint = answer.hint ? `<span class="hint">(${escapeHtml(answer.hint)})</span>` : '';
      if (answer.lines > 1) return `<div class="write lines">${LINE.repeat(answer.lines)}</div>`;
      return `<div class="write">${LINE}${hint}${answer.dontKnow ? DK : ''}</div>`;
    }
    case 'items': {
      const rows = answer.items
        .map(
          (i) =>
            `<tr><th scope="row">${escapeHtml(i.label)}</th><td class="blank"></td><td>${escapeHtml(i.hint)}${i.dontKnow ? DK : ''}</td></tr>`,
        )
        .join('');
      return `<table><tbody>${rows}</tbody></table>`;
    }
    case 'grid': {
      const head = answer.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
      const rows = answer.rows
        .map(
          (r) =>
            `<tr><th scope="row">${escapeHtml(r)}</th>${answer.columns.map(() => `<td class="cell">${BOX}</td>`).join('')}</tr>`,
        )
        .join('');
      return `<p class="desc">Mark one box in each row.</p><table><thead><tr><td></td>${head}</tr></thead><tbody>${rows}</tbody></table>`;
    }
    case 'table': {
      const head = answer.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
      const rows = answer.rows
        .map(
          (r) =>
            `<tr><th scope="row">${escapeHtml(r)}</th>${answer.columns.map(() => '<td class="blank"></td>').join('')}</tr>`,
        )
        .join('');
      const notes = answer.notes.map((n) => `<p class="notes">${escapeHtml(n)}</p>`).join('');
      return `<table><thead><tr><td></td>${head}</tr></thead><tbody>${rows}</tbody></table>${notes}`;
    }
    case 'rank':
      return `<p class="desc">Number the items from 1 (first) to ${answer.items.length}.</p><ul class="choices">${answer.items
        .map((i) => `<li><span class="line short"></span> ${escapeHtml(i)}</li>`)
        .join('')}</ul>`;
    case 'repeat':
      return `<div class="repeat"><p class="desc">Answer the questions below for each ${escapeHtml(answer.what.toLowerCase())}; copy this block for more.</p>${answer.questions
        .map((inner) => questionHtml(inner, mode))
        .join('')}</div>`;
  }
}

function questionHtml(q: PaperQuestion, mode: PaperInstrument['mode']): string {
  const skip = q.condition
    ? `<p class="skip">${escapeHtml(skipInstruction(q.condition, q.skipTo, mode, 'this question'))}</p>`
    : '';
  const description = q.description ? `<p class="desc">${escapeHtml(q.description)}</p>` : '';
  return `<section class="q" id="q${escapeHtml(q.number)}">${skip}<h3><span class="num">${escapeHtml(q.number)}.</span>${escapeHtml(q.title)}<span class="name">${escapeHtml(q.name)}</span></h3>${description}${answerHtml(q.answer, q.description, mode)}</section>`;
}

const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('');

function pageHtml(page: PaperPage, mode: PaperInstrument['mode']): string {
  const heading = page.title ? `<h2>${escapeHtml(page.title)}</h2>` : '';
  const skip = page.condition
    ? `<p class="skip">${escapeHtml(skipInstruction(page.condition, page.skipTo, mode, 'the questions of this section'))}</p>`
    : '';
  const body = page.elements
    .map((e) =>
      e.kind === 'note' ? `<div class="page-intro">${paragraphs(e.text)}</div>` : questionHtml(e.question, mode),
    )
    .join('\n');
  return `<section class="page">${heading}${skip}<div class="page-intro">${paragraphs(page.description)}</div>\n${body}</section>`;
}

/**
 * The printable blank questionnaire as one HTML page. `nonce` lets the page's own style sheet and
 * print button through a strict Content-Security-Policy; `printButton` adds a "Print" button that
 * is hidden on paper (the console's copy), absent from the CLI's PDF.
 */
export function instrumentHtml(
  paper: PaperInstrument,
  options: { nonce?: string; printButton?: boolean } = {},
): string {
  const nonce = options.nonce ? ` nonce="${escapeHtml(options.nonce)}"` : '';
  const button = options.printButton
    ? `<p class="no-print"><button type="button" id="print">Print</button> Print this page, or save it as PDF from the print dialog.</p>
<script${nonce}>document.getElementById('print').addEventListener('click', () => window.print());</script>`
    : '';
  const about = [
    paper.referencePeriod ? `Reference period: ${paper.referencePeriod}.` : '',
    `About ${paper.estimatedMinutes} minutes.`,
  ]
    .filter(Boolean)
    .join(' ');
  const howto =
    paper.mode === 'interviewer'
      ? 'Interviewer: read each question aloud. Ask a question marked “Ask only if” only when its condition holds.'
      : 'Mark boxes with an X and write answers on the lines. Where a question starts with “If …”, answer it only when that holds; otherwise skip to the question named. Names in small type (such as consent) refer to the question with that name.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(paper.title)} (paper copy)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style${nonce}>${STYLE}</style>
</head><body><main>
${button}
<h1>${escapeHtml(paper.title)}</h1>
<div class="about">${paragraphs(paper.description)}<p>${escapeHtml(about)} Version ${escapeHtml(paper.key)}.</p></div>
<p class="howto">${escapeHtml(howto)}</p>
${paper.pages.map((p) => pageHtml(p, paper.mode)).join('\n')}
</main></body></html>
`;
}
