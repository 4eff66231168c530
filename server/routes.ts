import { bounceRoutes } from './bounces/routes.js';
import type { CaseDispositions } from './casework/dispositionCache.js';
import { caseRoutes } from './casework/routes.js';
import { catalogRoutes } from './catalog/routes.js';
import { exportRoutes } from './exports/routes.js';
import type { ExportRunner } from './exports/runner.js';
import { fieldingRoutes } from './fieldings/routes.js';
import { fieldworkRoutes } from './fieldwork/routes.js';
import type { StaffRoute } from './http/registry.js';
import type { InstrumentRegistry } from './instruments/registry.js';
import type { ValidationPool } from './instruments/validationPool.js';
import { letterRoutes } from './letters/routes.js';
import { mailingRoutes } from './mailings/routes.js';
import type { MailingRunner } from './mailings/runner.js';
import { paperRoutes } from './paper/routes.js';
import type { Clock } from './platform/clock.js';
import type { StaffSettings } from './platform/config.js';
import type { RandomBytes } from './platform/secrets.js';
import { previewRoutes } from './previews/routes.js';
import { recordRoutes } from './records/routes.js';
import type { Repos } from './repos.js';
import { siteRoutes } from './sites/routes.js';
import { staffRoutes } from './staff/routes.js';
import type { LoginThrottle } from './staff/throttle.js';
import { templateRoutes } from './templates/routes.js';

/** What the staff API's features are built from; each takes the part it declares. */
export type StaffApiParts = {
  repos: Repos;
  clock: Clock;
  random: RandomBytes;
  publicUrl: string;
  instruments: InstrumentRegistry;
  settings: StaffSettings;
  throttle: LoginThrottle;
  secureCookie: boolean;
  exports: ExportRunner;
  dispositions: CaseDispositions;
  mailings: MailingRunner;
  validation: ValidationPool;
};

/** Every feature's staff routes, the whole staff API (docs/staff-api.md); every path is distinct. */
export function staffApiRoutes(parts: StaffApiParts): readonly StaffRoute[] {
  const { repos, clock, random, publicUrl, instruments } = parts;
  return [
    ...staffRoutes({
      repos,
      clock,
      random,
      publicUrl,
      settings: parts.settings,
      throttle: parts.throttle,
      secureCookie: parts.secureCookie,
    }),
    ...fieldingRoutes({ repos, clock, random, publicUrl, instruments }),
    ...caseRoutes({ repos, clock, random, publicUrl, dispositions: parts.dispositions }),
    ...fieldworkRoutes({ repos, clock, dispositions: parts.dispositions }),
    ...catalogRoutes({ instruments }),
    ...previewRoutes({ repos, clock, random, publicUrl, instruments }),
    ...exportRoutes({ repos, clock, exports: parts.exports }),
    ...templateRoutes({ repos, clock, publicUrl, instruments }),
    ...mailingRoutes({ repos, clock, mailings: parts.mailings }),
    ...bounceRoutes({ repos, clock }),
    ...letterRoutes({ repos, clock, random, publicUrl, instruments }),
    ...paperRoutes({ instruments, random }),
    ...siteRoutes({ repos, clock, instruments }),
    ...recordRoutes({ repos, clock, instruments, validation: parts.validation }),
  ];
}
