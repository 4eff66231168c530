import { accessSync, constants } from 'node:fs';
import { chromium } from 'playwright-core';
import { AppError } from '../platform/errors.js';

/**
 * The flags Chromium needs here (notes/stack.md): headless, no sandbox (servers often run as root),
 * and no background traffic to the outside. Playwright gives every launch a fresh profile.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const FOOTER = `<div style="font: 8px sans-serif; width: 100%; text-align: center; color: #333;">
<span class="title"></span> · page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`;

function checkChromium(executablePath: string) {
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    throw new AppError(
      503,
      'chromium_missing',
      `Printing to PDF needs Chromium, and there is none at ${executablePath}. Install it (Debian/Ubuntu: \`apt-get install chromium\`) or set CHROMIUM_PATH to a Chromium or Chrome executable. To print from a browser instead, write HTML: --out <file.html>.`,
    );
  }
}

/**
 * A self-contained HTML page printed to PDF by Chromium (print-to-PDF, Letter, page numbers in the
 * footer, tagged with an outline). The page is set as content, never fetched, and may load nothing.
 */
export async function printHtmlToPdf(html: string, executablePath: string): Promise<Buffer> {
  checkChromium(executablePath);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({
      format: 'Letter',
      margin: { top: '16mm', bottom: '18mm', left: '16mm', right: '16mm' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: FOOTER,
      printBackground: true,
      tagged: true,
      outline: true,
    });
  } finally {
    await browser.close();
  }
}
