import { LetterSettingsPageSchema, SavedLetterSettingsSchema } from '../contracts/letters.js';
import { FIELDWORK_STAFF } from '../contracts/roles.js';
import { FieldingParamsSchema } from '../fieldings/schema.js';
import { type StaffRoute, staffRoute } from '../http/registry.js';
import { EmptyQuerySchema } from '../http/schema.js';
import { writeLettersPdf } from './pdf.js';
import { LETTERS_HEADER, presentLetterCounts } from './present.js';
import { LetterSettingsBodySchema, LettersBodySchema } from './schema.js';
import type { LettersContext } from './service.js';
import { issueLetters, letterSettingsOfFielding, saveLetterSettings } from './service.js';

export type LetterRouteContext = LettersContext;

/** Postal letters with access codes (docs/staff-api.md). */
export function letterRoutes(ctx: LetterRouteContext): readonly StaffRoute[] {
  return [
    staffRoute({
      method: 'get',
      path: '/api/staff/fieldings/:name/letter-settings',
      roles: FIELDWORK_STAFF,
      summary: 'The letter text (null = the default, given too), its merge fields and the sender block.',
      params: FieldingParamsSchema,
      query: EmptyQuerySchema,
      answer: LetterSettingsPageSchema,
      handler({ params }) {
        return letterSettingsOfFielding(ctx.repos, params.name);
      },
    }),
    staffRoute({
      method: 'put',
      path: '/api/staff/fieldings/:name/letter-settings',
      roles: FIELDWORK_STAFF,
      summary:
        'Replace the letter text and sender block; an unknown or malformed merge field is 422 template_invalid (line, column) and nothing is saved.',
      params: FieldingParamsSchema,
      body: LetterSettingsBodySchema,
      answer: SavedLetterSettingsSchema,
      handler({ auth, params, body }) {
        return {
          settings: saveLetterSettings(ctx, { fielding: params.name, settings: body, actor: auth.staff.email }),
        };
      },
    }),
    staffRoute({
      method: 'post',
      path: '/api/staff/fieldings/:name/letters',
      roles: FIELDWORK_STAFF,
      summary:
        'Issue an access code for every open case and answer the letters, one page per office in the order asked (by ZIP unless said), as a PDF download.',
      params: FieldingParamsSchema,
      body: LettersBodySchema,
      async handler({ auth, params, body, res }) {
        const batch = issueLetters(ctx, { fielding: params.name, actor: auth.staff.email, order: body.order });
        const day = ctx.clock().toISOString().slice(0, 10);
        const fileName = `${batch.fielding.replace(/[^\w.-]+/g, '_')}-letters-${day}.pdf`;
        res.status(200);
        res.attachment(fileName);
        res.type('application/pdf');
        // The console shows what was printed and skipped without opening the PDF.
        res.set(LETTERS_HEADER, JSON.stringify(presentLetterCounts(batch)));
        await writeLettersPdf(batch, res);
        return undefined;
      },
    }),
  ];
}
