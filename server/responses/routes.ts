import { Router } from 'express';
import { invalidInput } from '../errors.js';
import { parse } from '../http/validate.js';
import { normalizeAccessCode } from '../tokens/service.js';
import type { RespondentAccess } from './access.js';
import { presentResponse } from './present.js';
import {
  AccessCodeBodySchema,
  CompleteBodySchema,
  CredentialSchema,
  DeclineBodySchema,
  DraftBodySchema,
} from './schema.js';
import { completeResponse, declineResponse, openResponse, type RespondContext, saveDraft } from './service.js';

/** The respondent's JSON API (documented in the README). */
export function respondentRoutes(ctx: RespondContext, access: RespondentAccess): Router {
  const router = Router();

  router.post('/api/access-code', (req, res) => {
    const { code } = parse(AccessCodeBodySchema, req.body);
    const normalized = normalizeAccessCode(code);
    if (!normalized.ok) throw invalidInput(normalized.message);
    access.lookUp(req, normalized.code, 'code');
    res.json({ credential: normalized.code });
  });

  router.get('/api/respond/:credential', (req, res) => {
    const credential = parse(CredentialSchema, req.params.credential, 'link');
    const { token, kind } = access.lookUp(req, credential);
    const { row, instrument, officeName, locale } = openResponse(ctx, token, kind);
    res.json(presentResponse(row, instrument, officeName, locale));
  });

  router.put('/api/respond/:credential/draft', (req, res) => {
    const credential = parse(CredentialSchema, req.params.credential, 'link');
    const { token } = access.lookUp(req, credential);
    res.json(saveDraft(ctx, token, parse(DraftBodySchema, req.body)));
  });

  router.post('/api/respond/:credential/complete', async (req, res) => {
    const credential = parse(CredentialSchema, req.params.credential, 'link');
    const { token } = access.lookUp(req, credential);
    res.json(await completeResponse(ctx, token, parse(CompleteBodySchema, req.body)));
  });

  router.post('/api/respond/:credential/decline', (req, res) => {
    const credential = parse(CredentialSchema, req.params.credential, 'link');
    const { token } = access.lookUp(req, credential);
    const { reason } = parse(DeclineBodySchema, req.body ?? {});
    res.json(declineResponse(ctx, token, reason));
  });

  return router;
}
