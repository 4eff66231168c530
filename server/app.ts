import path from 'node:path';
import express from 'express';
import { createAccessThrottle } from './access/service.js';
import { createCaseDispositions } from './casework/dispositionCache.js';
import type { Deps } from './deps.js';
import { createExportRunner } from './exports/runner.js';
import { jsonBody, requireJsonBody } from './http/body.js';
import { clientPage } from './http/clientPage.js';
import { requestLog } from './http/logging.js';
import { acceptsUpload, staffRouter } from './http/registry.js';
import { noStore, securityHeaders } from './http/security.js';
import { optOutRoutes } from './mailings/optOutRoutes.js';
import { createMailingRunner } from './mailings/runner.js';
import { pingDatabase } from './platform/db.js';
import { createErrorHandler, notFoundHandler } from './platform/errors.js';
import { previewAnswering } from './previews/service.js';
import { createRepos } from './repos.js';
import { createRespondentAccess } from './responses/access.js';
import { respondentRoutes } from './responses/routes.js';
import { staffApiRoutes } from './routes.js';
import { createAuthenticate } from './staff/authenticate.js';
import { createLoginThrottle } from './staff/throttle.js';

/** The whole HTTP application, built from its dependencies; `server/index.ts` is what listens. */
export function createApp(deps: Deps) {
  const { config, logger, clock } = deps;
  const repos = createRepos(deps.db);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestLog(logger));
  app.use(securityHeaders(config.publicUrl));

  app.use(
    '/assets',
    express.static(path.join(config.clientDir, 'assets'), { immutable: true, maxAge: '1y', index: false }),
  );

  app.get(['/s/:token', '/code'], clientPage(config.clientDir, 'respond', 'respondent app'));
  // The console routes in the browser (history API), so each of its paths answers with its page;
  // /staff/password is the page a set-password link opens, its token in the fragment.
  app.get(['/staff', '/staff/*page'], clientPage(config.clientDir, 'console', 'staff console'));
  app.get('/', (_req, res) => res.redirect(302, '/code'));
  app.get('/favicon.ico', (_req, res) => res.status(204).end());

  const throttle = createAccessThrottle({
    db: deps.db,
    repo: repos.access,
    limits: config.limits.throttle,
    clock,
    logger,
  });
  const mailings = createMailingRunner({
    repos,
    instruments: deps.instruments,
    mailer: deps.mailer,
    clock,
    random: deps.random,
    publicUrl: config.publicUrl,
    mailFrom: config.mailFrom,
    sleep: deps.sleep,
    logger,
  });
  const dispositions = createCaseDispositions(deps.instruments);
  dispositions.prepare(repos.fieldings.versionsInUse());
  // Staff logins have their own throttle: a flood of them never slows a respondent, nor the reverse.
  const loginThrottle = createLoginThrottle({ db: deps.db, repo: repos.staff, settings: config.staff, clock });
  const secureCookie = config.publicUrl.startsWith('https:');
  const staffRoutes = staffApiRoutes({
    repos,
    clock,
    random: deps.random,
    publicUrl: config.publicUrl,
    instruments: deps.instruments,
    settings: config.staff,
    throttle: loginThrottle,
    secureCookie,
    exports: createExportRunner({
      databaseFile: config.databaseFile,
      instruments: deps.instruments,
      logError: logger.error,
    }),
    dispositions,
    mailings,
    validation: deps.validation,
  });

  // Declared uploads (a frame as text/csv) bring their own body reader; every other body is JSON.
  app.use('/api', noStore, requireJsonBody(acceptsUpload(staffRoutes)), jsonBody(config.limits.bodyBytes));
  app.get('/api/health', (_req, res) => {
    pingDatabase(deps.db);
    res.json({ ok: true });
  });
  const previews = previewAnswering({ repos, instruments: deps.instruments, clock, validation: deps.validation });
  const access = createRespondentAccess({ tokens: repos.tokens, throttle, clock, previews });
  app.use(
    respondentRoutes({ repos, instruments: deps.instruments, clock, validation: deps.validation }, access, previews),
  );
  // Opt-out links from emails: outside /api, so a mail client's form-encoded one-click POST is read.
  app.use(optOutRoutes({ repos, clock, throttle, logger, instruments: deps.instruments, clientDir: config.clientDir }));
  app.use(
    staffRouter(
      {
        authenticate: createAuthenticate({
          repos,
          settings: config.staff,
          clock,
          random: deps.random,
          publicUrl: config.publicUrl,
          secureCookie,
        }),
        origin: new URL(config.publicUrl).origin,
      },
      staffRoutes,
    ),
  );

  // server/index.ts stops the background mailings on shutdown, before the mailer and database close.
  app.locals.mailings = mailings;
  // The declared staff routes, for the tests that walk them against the router.
  app.locals.staffRoutes = staffRoutes;

  app.use(notFoundHandler);
  app.use(createErrorHandler(logger.error));
  return app;
}
