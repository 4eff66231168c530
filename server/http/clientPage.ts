import { existsSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

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
