import express, { type Request, type Response, Router } from 'express';
import { type AccessThrottle, clientKey } from '../access/service.js';
import type { Clock, Logger } from '../deps.js';
import { escapeHtml } from '../html.js';
import type { Repos } from '../repos.js';
import { isLinkTokenShape } from '../tokens/service.js';
import { optOutHash } from './compose.js';
import { recordOptOut } from './service.js';

/**
 * The respondent-facing opt-out at /u/<token>, outside /api and without a login: the token (192
 * bits, only its hash stored) is the whole credential. A GET only shows the button, because mail
 * scanners fetch every link in a message; the POST (the button, or a mail client's RFC 8058
 * one-click request, cross-site by design) changes nothing but that token's own case.
 */
export function optOutRoutes(deps: { repos: Repos; clock: Clock; throttle: AccessThrottle; logger: Logger }): Router {
  const router = Router();
  // A one-click POST sends `List-Unsubscribe=One-Click` as a form; nothing in it is needed.
  const formBody = express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 5 });

  const findSend = (req: Request, res: Response) => {
    const token = String(req.params.token ?? '');
    const send = isLinkTokenShape(token) ? deps.repos.mailings.findByOptOutHash(optOutHash(token)) : undefined;
    if (send) return send;
    const client = clientKey(req.ip);
    const wait = deps.throttle.retryAfter(client, 'link');
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      page(res, 429, 'Please wait', `Too many attempts from your network. Try again in ${wait} seconds.`);
      return undefined;
    }
    deps.throttle.recordFailure(client, 'link');
    page(res, 404, 'Link not valid', BAD_LINK);
    return undefined;
  };

  router.get('/u/:token', (req, res) => {
    if (!findSend(req, res)) return;
    page(
      res,
      200,
      'Stop email about this survey',
      'Press the button to stop all email about this survey to your office. Your office can still take part: any survey link you already have keeps working.',
      true,
    );
  });

  router.post('/u/:token', formBody, (req, res) => {
    const send = findSend(req, res);
    if (!send) return;
    const result = recordOptOut(deps.repos, send, deps.clock().toISOString());
    if (!result.alreadyOptedOut) deps.logger.info(`mailings: case ${result.caseId} opted out of email`);
    page(res, 200, 'You are opted out', 'You will receive no more email about this survey.');
  });

  // A bad body (too large, malformed) gets the plain page too, not the JSON error of the API.
  router.use('/u', (_err: unknown, _req: Request, res: Response, _next: () => void) => {
    page(res, 400, 'Link not valid', BAD_LINK);
  });
  return router;
}

/** The same words as a bad survey link: whether a token ever existed is never revealed. */
const BAD_LINK =
  'This link is not valid. Check it against your email, or contact the study team if you want no more email about this survey.';

function page(res: Response, status: number, title: string, message: string, button = false) {
  const form = button
    ? `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Stop all email about this survey</button></form>`
    : '';
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font-family:Georgia,serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.5;color:#1a1a1a}
button{font:inherit;padding:.6em 1.2em;border:2px solid #1a1a1a;background:#fff;cursor:pointer}
button:focus{outline:3px solid #1d4ed8;outline-offset:2px}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${form}</main></body></html>
`);
}
