import { FieldingParamsSchema } from '../fieldings/schema.js';
import { type StaffRoute, staffRoute } from '../staff/registry.js';
import { FIELDWORK_STAFF } from '../staff/roles.js';
import { writeLettersPdf } from './pdf.js';
import { LETTERS_HEADER, presentLetterCounts } from './present.js';
import { issueLetters } from './service.js';

/** Postal letters with access codes (docs/staff-api.md). */
export const LETTER_ROUTES: readonly StaffRoute[] = [
  staffRoute({
    method: 'post',
    path: '/api/staff/fieldings/:name/letters',
    roles: FIELDWORK_STAFF,
    summary: 'Issue an access code for every open case and answer the letters, one page per office, as a PDF download.',
    params: FieldingParamsSchema,
    async handler({ ctx, auth, params, res }) {
      const batch = issueLetters(ctx, { fielding: params.name, actor: auth.staff.email });
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
