import express, { type Request, type Response, Router } from 'express';
import type { AccessThrottle } from '../access/service.js';
import type { CaseRepo } from '../cases/repo.js';
import { clientKey } from '../http/client.js';
import { clientStylesheets } from '../http/clientPage.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { escapeHtml } from '../platform/html.js';
import type { Logger } from '../platform/logger.js';
import { respondentLocale, type StudyInfo, studyInfo } from '../responses/study.js';
import { isLinkTokenShape } from '../tokens/service.js';
import { optOutHash } from './compose.js';
import type { MailingRepo, SendRow } from './repo.js';
import { recordOptOut } from './service.js';

/** The repositories this module uses. */
type Repos = { cases: CaseRepo; db: Db; mailings: MailingRepo; offices: OfficeRepo };

/**
 * The respondent-facing opt-out at /u/<token>, outside /api and without a login: the token (192
 * bits, only its hash stored) is the whole credential. A GET only shows the button, because mail
 * scanners fetch every link in a message; the POST (the button, or a mail client's RFC 8058
 * one-click request, cross-site by design) changes nothing but that token's own case.
 */
export function optOutRoutes(deps: {
  repos: Repos;
  clock: Clock;
  throttle: AccessThrottle;
  logger: Logger;
  instruments: InstrumentRegistry;
  clientDir: string;
}): Router {
  const router = Router();
  // A one-click POST sends `List-Unsubscribe=One-Click` as a form; nothing in it is needed.
  const formBody = express.urlencoded({ extended: false, limit: '1kb', parameterLimit: 5 });
  const page = (res: Response, status: number, content: PageContent) =>
    sendPage(res, status, content, clientStylesheets(deps.clientDir, 'respond'));

  const findSend = (req: Request, res: Response) => {
    const token = String(req.params.token ?? '');
    const send = isLinkTokenShape(token) ? deps.repos.mailings.findByOptOutHash(optOutHash(token)) : undefined;
    if (send) return send;
    const client = clientKey(req.ip);
    const wait = deps.throttle.retryAfter(client, 'link');
    if (wait > 0) {
      res.set('Retry-After', String(wait));
      page(res, 429, {
        title: 'Please wait',
        message: `Too many attempts from your network. Try again in ${wait} seconds.`,
      });
      return undefined;
    }
    deps.throttle.recordFailure(client, 'link');
    page(res, 404, { title: 'Link not valid', message: BAD_LINK });
    return undefined;
  };

  /** The study (as the respondent app names it) and the office the mail went to. */
  const aboutSend = (send: SendRow): { study: StudyInfo | undefined; office: string } => {
    const found = deps.repos.cases.findCase(send.case_id);
    const instrument = found ? deps.instruments.get(found.instrument_id, found.instrument_version) : undefined;
    const office = found ? deps.repos.offices.findOfficeDetail(found.office_id) : undefined;
    const language = office ? (JSON.parse(office.attributes) as Record<string, unknown>).language : undefined;
    const locale = instrument ? respondentLocale(instrument, typeof language === 'string' ? language : undefined) : '';
    return {
      study: instrument ? studyInfo(instrument, locale) : undefined,
      office: found?.office_name ?? 'your office',
    };
  };

  router.get('/u/:token', (req, res) => {
    const send = findSend(req, res);
    if (!send) return;
    const { study, office } = aboutSend(send);
    page(res, 200, {
      title: 'Stop email about this survey',
      study,
      context: office,
      message: `Press the button to stop all email to ${office} about ${study ? `“${study.name}”` : 'this survey'}. Your office can still take part: any survey link you already have keeps working.`,
      button: true,
    });
  });

  router.post('/u/:token', formBody, (req, res) => {
    const send = findSend(req, res);
    if (!send) return;
    const result = recordOptOut(deps.repos, send, deps.clock().toISOString());
    if (!result.alreadyOptedOut) deps.logger.info(`mailings: case ${result.caseId} opted out of email`);
    const { study, office } = aboutSend(send);
    page(res, 200, {
      title: 'You are opted out',
      study,
      context: office,
      message: `You will receive no more email about this survey${study ? `, “${study.name}”,` : ''} for ${office}.`,
    });
  });

  // A bad body (too large, malformed) gets the plain page too, not the JSON error of the API.
  router.use('/u', (_err: unknown, _req: Request, res: Response, _next: () => void) => {
    page(res, 400, { title: 'Link not valid', message: BAD_LINK });
  });
  return router;
}

/** The same words as a bad survey link: whether a token ever existed is never revealed. */
const BAD_LINK =
  'This link is not valid. Check it against your email, or contact the study team if you want no more email about this survey.';

type PageContent = {
  title: string;
  message: string;
  study?: StudyInfo | undefined;
  context?: string;
  button?: boolean;
};

/**
 * The page in the respondent app's landmarks and classes (client/respond/Layout.tsx), styled by
 * its built stylesheet: no inline style, so it needs nothing beyond the CSP's 'self'.
 */
function sendPage(res: Response, status: number, content: PageContent, stylesheets: readonly string[]) {
  const { study } = content;
  const form = content.button
    ? '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit" class="fk-button">Stop all email about this survey</button></form>'
    : '';
  const banner = study
    ? `<p class="fk-banner__study">${escapeHtml(study.header || study.name)}</p>${
        content.context ? `<p class="fk-banner__context">${escapeHtml(content.context)}</p>` : ''
      }`
    : '';
  const contact = study?.contactEmail
    ? `Email <a href="mailto:${escapeHtml(study.contactEmail)}">${escapeHtml(study.contactEmail)}</a>`
    : 'Contact the team running the survey';
  const footer = `${study?.footer ? `<p>${escapeHtml(study.footer)}</p>` : ''}<p>Questions about the study? ${contact}.</p>`;
  const links = stylesheets.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n');
  const title = study ? `${content.title} – ${study.name}` : content.title;
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .type('html')
    .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
${links}</head>
<body><header class="fk-banner">${banner}</header>
<main class="fk-main"><h1 class="fk-title">${escapeHtml(content.title)}</h1><p class="fk-lede">${escapeHtml(content.message)}</p>${form}</main>
<footer class="fk-footer">${footer}</footer></body></html>
`);
}
