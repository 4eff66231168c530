import { createAccessRepo } from './access/repo.js';
import { createAuditRepo } from './audit/repo.js';
import { createBounceRepo } from './bounces/repo.js';
import { createCaseRepo } from './cases/repo.js';
import { createFieldingRepo } from './fieldings/repo.js';
import { createFieldworkRepo } from './fieldwork/repo.js';
import { createLetterRepo } from './letters/repo.js';
import { createMailingRepo } from './mailings/repo.js';
import { createOfficeRepo } from './offices/repo.js';
import type { Db } from './platform/db.js';
import { createPreviewRepo } from './previews/repo.js';
import { createRecordRepo } from './records/repo.js';
import { createRehearsalRepo } from './rehearsal/repo.js';
import { createReminderRepo } from './reminders/repo.js';
import { createResponseRepo } from './responses/repo.js';
import { createSiteRepo } from './sites/repo.js';
import { createStaffRepo } from './staff/repo.js';
import { createTemplateRepo } from './templates/repo.js';
import { createTokenRepo } from './tokens/repo.js';

/** Every repository over one connection, with its statements prepared once. */
export function createRepos(db: Db) {
  return {
    db,
    offices: createOfficeRepo(db),
    fieldings: createFieldingRepo(db),
    cases: createCaseRepo(db),
    tokens: createTokenRepo(db),
    responses: createResponseRepo(db),
    access: createAccessRepo(db),
    audit: createAuditRepo(db),
    staff: createStaffRepo(db),
    previews: createPreviewRepo(db),
    templates: createTemplateRepo(db),
    mailings: createMailingRepo(db),
    reminders: createReminderRepo(db),
    bounces: createBounceRepo(db),
    fieldwork: createFieldworkRepo(db),
    letters: createLetterRepo(db),
    rehearsal: createRehearsalRepo(db),
    sites: createSiteRepo(db),
    records: createRecordRepo(db),
  };
}

export type Repos = ReturnType<typeof createRepos>;
