import type { AuditRepo } from '../audit/repo.js';
import { issueLink } from '../cases/links.js';
import type { CaseRepo } from '../cases/repo.js';
import type { LetterOrder, LetterSender } from '../contracts/letters.js';
import type { FieldingRepo } from '../fieldings/repo.js';
import { findFieldingOrFail } from '../fieldings/service.js';
import type { InstrumentRegistry } from '../instruments/registry.js';
import type { OfficeRepo } from '../offices/repo.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db.js';
import { AppError, unprocessable } from '../platform/errors.js';
import type { RandomBytes } from '../platform/secrets.js';
import { deadlineText, invitedAgoText, surveyMinutesOf } from '../templates/mergeValues.js';
import { MissingMergeFieldError, mergeValues, renderPlain } from '../templates/render.js';
import type { TemplateRepo } from '../templates/repo.js';
import { templateInvalid } from '../templates/service.js';
import type { TokenRepo } from '../tokens/repo.js';
import { inMailingOrder } from './order.js';
import type { LetterAddressRow, LetterRepo, LetterSettings } from './repo.js';
import type { LetterSettingsBody } from './schema.js';
import { checkLetter, DEFAULT_LETTER_BODY, letterFields } from './template.js';

/** The repositories this module uses. */
type Repos = {
  audit: AuditRepo;
  cases: CaseRepo;
  db: Db;
  fieldings: FieldingRepo;
  letters: LetterRepo;
  offices: OfficeRepo;
  templates: TemplateRepo;
  tokens: TokenRepo;
};

/** Why a case gets no letter. */
export type LetterSkip = 'completed' | 'refused' | 'ineligible' | 'noContact';

/** One page: who it goes to and the access code typed at the short URL. Holds a clear access code. */
export type Letter = {
  officeId: string;
  officeName: string;
  contactName: string;
  contactTitle: string | null;
  /** The address block, line by line: contact, title, office, street lines, "City, ST 12345". */
  addressLines: string[];
  /** The fielding's letter text for this office, merge fields filled, one string per paragraph. */
  paragraphs: string[];
  accessCode: string;
};

export type LetterBatch = {
  fielding: string;
  studyTitle: string;
  /** The letters' date as printed ("February 1, 2027"). */
  date: string;
  /** Where respondents type the code: the public URL's /code page. */
  shortUrl: string;
  /** Who signs the letters and where to write or call back; empty fields are left off. */
  sender: LetterSender;
  letters: Letter[];
  skipped: Record<LetterSkip, number>;
};

export type LettersContext = {
  repos: Repos;
  instruments: InstrumentRegistry;
  clock: Clock;
  random: RandomBytes;
  publicUrl: string;
};

export function addressLines(
  row: Pick<
    LetterAddressRow,
    'contact_name' | 'contact_title' | 'office_name' | 'address_line1' | 'address_line2' | 'city' | 'state' | 'zip'
  >,
): string[] {
  const cityLine = [row.city, [row.state, row.zip].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [row.contact_name, row.contact_title, row.office_name, row.address_line1, row.address_line2, cityLine]
    .map((line) => line?.trim() ?? '')
    .filter((line) => line !== '');
}

const letterDate = (now: Date) => new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(now);

/** "412 letters; skipped 12 completed, 3 refused, 1 ineligible, 2 with no active contact". */
export function lettersSummary(batch: Pick<LetterBatch, 'letters' | 'skipped'>): string {
  const s = batch.skipped;
  const parts = [
    `${s.completed} completed`,
    `${s.refused} refused`,
    `${s.ineligible} ineligible`,
    ...(s.noContact > 0 ? [`${s.noContact} with no active contact`] : []),
  ];
  return `${batch.letters.length} letter${batch.letters.length === 1 ? '' : 's'}; skipped ${parts.join(', ')}`;
}

/**
 * A letter for every open case of the fielding, each with a new access code issued for it
 * (`token_issued` with purpose 'letter' in the case log) and one audit entry for the batch. A case
 * is closed to letters by the rule that stops invitations and reminders (mailings/repo.ts): a
 * completion, a refusal (declined, opted out, recorded by staff) or an ineligibility in its log,
 * whatever share was answered. The codes are issued in one transaction: a batch is printed whole or
 * not issued at all. Earlier links and codes keep working; the letter's code reaches the same response.
 * The letters come in `order` (by ZIP, office ID or state), the codes issued in that order too.
 */
export function issueLetters(
  ctx: LettersContext,
  request: { fielding: string; actor: string; order: LetterOrder },
): LetterBatch {
  const fielding = findFieldingOrFail(ctx.repos, request.fielding);
  const instrument = ctx.instruments.get(fielding.instrument_id, fielding.instrument_version);
  const settings = ctx.repos.letters.letterSettingsOf(fielding.id);
  const body = settings.body ?? DEFAULT_LETTER_BODY;
  const shared = {
    codeUrl: `${ctx.publicUrl}/code`,
    optOutLink: '',
    deadline: deadlineText(ctx.repos, fielding.id, fielding.closes_at),
    surveyMinutes: surveyMinutesOf(ctx.instruments, fielding),
  };
  const now = ctx.clock();
  const at = now.toISOString();
  const skipped: Record<LetterSkip, number> = { completed: 0, refused: 0, ineligible: 0, noContact: 0 };
  const letters = ctx.repos.db.transaction(() => {
    const issued: Letter[] = [];
    for (const row of inMailingOrder(ctx.repos.letters.letterAddressesOf(fielding.id), request.order)) {
      if (row.closed !== null) {
        skipped[row.closed]++;
        continue;
      }
      if (row.contact_id === null || row.contact_name === null) {
        skipped.noContact++;
        continue;
      }
      // Before this letter's own code: {{invited_ago}} says when an earlier email, letter or record invited the office.
      const invitedAgo = invitedAgoText(ctx.repos.cases.invitedAt(row.case_id), now);
      const { issued: link } = issueLink(ctx, {
        caseId: row.case_id,
        contactId: row.contact_id,
        at,
        office: { office_id: row.office_study_id, office_name: row.office_name },
        contact: { name: row.contact_name, email: row.contact_email ?? '' },
        purpose: 'letter',
      });
      issued.push({
        officeId: row.office_study_id,
        officeName: row.office_name,
        contactName: row.contact_name,
        contactTitle: row.contact_title,
        addressLines: addressLines(row),
        paragraphs: letterParagraphs(body, {
          office: { ...row, office_id: row.office_study_id },
          contact: { name: row.contact_name, title: row.contact_title },
          link: link.link,
          accessCode: link.access_code,
          invitedAgo,
          ...shared,
        }),
        accessCode: link.access_code,
      });
    }
    if (issued.length === 0) {
      throw new AppError(
        409,
        'no_letters',
        `No open case of fielding "${fielding.name}" has an active contact: nothing to print (${lettersSummary({ letters: [], skipped })}).`,
      );
    }
    ctx.repos.audit.recordAudit({
      at,
      actor: request.actor,
      action: 'letters.issue',
      fielding: fielding.name,
      detail: { letters: issued.length, skipped },
    });
    return issued;
  })();
  return {
    fielding: fielding.name,
    studyTitle: instrument?.meta.title ?? fielding.instrument_id,
    date: letterDate(now),
    shortUrl: `${ctx.publicUrl}/code`,
    sender: settings,
    letters,
    skipped,
  };
}

/**
 * The letter's text for one office, in paragraphs (at blank lines). A frame column the text names
 * that this office's row lacks (a later import) stops the batch, naming the office, before any
 * code is printed: the transaction issuing the codes is rolled back.
 */
function letterParagraphs(body: string, input: Parameters<typeof mergeValues>[0]): string[] {
  let text: string;
  try {
    text = renderPlain(body, mergeValues(input));
  } catch (err) {
    if (err instanceof MissingMergeFieldError) {
      throw unprocessable(
        'merge_field_missing',
        `${input.office.office_id} (${input.office.office_name}): ${err.message}`,
      );
    }
    throw err;
  }
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** A fielding's letter settings as staff edit them, with the default text and the fields it may use. */
export function letterSettingsOfFielding(repos: Repos, name: string) {
  const fielding = findFieldingOrFail(repos, name);
  return {
    settings: repos.letters.letterSettingsOf(fielding.id),
    defaultBody: DEFAULT_LETTER_BODY,
    fields: [...letterFields(repos.templates.attributeKeysOf(fielding.id))].sort(),
  };
}

/**
 * Replaces a fielding's letter text and sender block, only if the text's merge fields are all
 * known: an unknown one is refused now, with its line and column, not printed blank on 2,000 letters.
 */
export function saveLetterSettings(
  ctx: Pick<LettersContext, 'repos' | 'clock'>,
  input: { fielding: string; settings: LetterSettingsBody; actor: string },
): LetterSettings {
  const fielding = findFieldingOrFail(ctx.repos, input.fielding);
  const body = input.settings.body === null || input.settings.body.trim() === '' ? null : input.settings.body;
  if (body !== null) {
    const problems = checkLetter(body, letterFields(ctx.repos.templates.attributeKeysOf(fielding.id)));
    if (problems.length > 0) throw templateInvalid(problems);
  }
  const at = ctx.clock().toISOString();
  ctx.repos.db.transaction(() => {
    ctx.repos.letters.saveLetterSettings(fielding.id, { ...input.settings, body }, at, input.actor);
    ctx.repos.audit.recordAudit({
      at,
      actor: input.actor,
      action: 'letters.settings',
      fielding: fielding.name,
      detail: { bodyChars: body?.length ?? null, institution: input.settings.institution },
    });
  })();
  return ctx.repos.letters.letterSettingsOf(fielding.id);
}
