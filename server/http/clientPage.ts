import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { AppError } from '../platform/errors.js';

/**
 * The stylesheets a built client entry links (its hashed /assets/*.css), so a page the server
 * writes itself (the opt-out page) looks like that entry under the CSP's 'self'. None before a build.
 */
export function clientStylesheets(clientDir: string, entry: 'respond' | 'console'): string[] {
  const file = path.join(clientDir, entry, 'index.html');
  if (!existsSync(file)) return [];
  const html = readFileSync(file, 'utf8');
  const hrefs: string[] = [];
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    if (!/\brel="stylesheet"/.test(tag)) continue;
    const href = /\bhref="(\/assets\/[^"]+\.css)"/.exec(tag)?.[1];
    if (href) hrefs.push(href);
  }
  return hrefs;
}

/**
 * Serves one of the client's HTML entries (dist/client/<entry>/index.html); each audience has its
 * own, so a respondent's page never names a staff console asset. Not cached: the HTML names the
 * current hashed assets, which are cached for a year.
 */
export function clientPage(clientDir: string, entry: 'respond' | 'console', label: string): RequestHandler {
  const file = path.join(clientDir, entry, 'index.html');
  return (_req, res) => {
    if (!existsSync(file)) {
      throw new AppError(503, 'client_not_built', `The ${label} has not been built. Run \`npm run build\`.`);
    }
    res.set('Cache-Control', 'no-store');
    res.sendFile(file);
  };
}
