import { Router } from 'express';
import { parse } from '../http/validate.js';
import { invalidInput } from '../platform/errors.js';
import { normalizeAccessCode } from '../tokens/service.js';
import type { PreviewAnswering, RespondentAccess } from './access.js';
import { presentResponse } from './present.js';
import {
  AccessCodeBodySchema,
  CompleteBodySchema,
  CredentialSchema,
  DeclineBodySchema,
  DraftBodySchema,
} from './schema.js';
import {
  completeResponse,
  declineResponse,
  openResponse,
  type RespondContext,
  refuseIfFieldingClosed,
  saveDraft,
} from './service.js';

/**
 * The respondent's JSON API (documented in the README). A staff preview's token takes the same
 * routes and the same checks, but its answers go to its preview session, never to a case.
 */
export function respondentRoutes<P extends object>(
  ctx: RespondContext,
  access: RespondentAccess<P>,
  previews: PreviewAnswering<P>,
): Router {
  const router = Router();
  const credentialOf = (raw: unknown) => parse(CredentialSchema, raw, 'link');
  /** The link's token, unless its fielding has closed on a response still open (410 fielding_closed). */
  const lookUpOpen = (req: Parameters<typeof access.lookUp>[0], credential: string) => {
    const found = access.lookUp(req, credential);
    if (found.fieldingClosed) refuseIfFieldingClosed(ctx, found.token);
    return found;
  };

  router.post('/api/access-code', (req, res) => {
    const { code } = parse(AccessCodeBodySchema, req.body);
    const normalized = normalizeAccessCode(code);
    if (!normalized.ok) throw invalidInput(normalized.message);
    access.lookUp(req, normalized.code, 'code');
    res.json({ credential: normalized.code });
  });

  router.get('/api/respond/:credential', (req, res) => {
    const credential = credentialOf(req.params.credential);
    if (previews.isPreviewToken(credential)) {
      res.json(previews.open(access.lookUpPreview(req, credential)));
      return;
    }
    const { token, kind } = lookUpOpen(req, credential);
    const { row, instrument, officeName, locale, host } = openResponse(ctx, token, kind);
    res.json(presentResponse(row, instrument, officeName, locale, host));
  });

  router.put('/api/respond/:credential/draft', (req, res) => {
    const credential = credentialOf(req.params.credential);
    if (previews.isPreviewToken(credential)) {
      const preview = access.lookUpPreview(req, credential);
      res.json(previews.saveDraft(preview, parse(DraftBodySchema, req.body)));
      return;
    }
    const { token } = lookUpOpen(req, credential);
    res.json(saveDraft(ctx, token, parse(DraftBodySchema, req.body)));
  });

  router.post('/api/respond/:credential/complete', async (req, res) => {
    const credential = credentialOf(req.params.credential);
    if (previews.isPreviewToken(credential)) {
      const preview = access.lookUpPreview(req, credential);
      res.json(await previews.complete(preview, parse(CompleteBodySchema, req.body)));
      return;
    }
    const { token } = lookUpOpen(req, credential);
    res.json(await completeResponse(ctx, token, parse(CompleteBodySchema, req.body)));
  });

  router.post('/api/respond/:credential/decline', (req, res) => {
    const credential = credentialOf(req.params.credential);
    if (previews.isPreviewToken(credential)) {
      const preview = access.lookUpPreview(req, credential);
      const { reason } = parse(DeclineBodySchema, req.body ?? {});
      res.json(previews.decline(preview, reason));
      return;
    }
    const { token } = lookUpOpen(req, credential);
    const { reason } = parse(DeclineBodySchema, req.body ?? {});
    res.json(declineResponse(ctx, token, reason));
  });

  return router;
}
