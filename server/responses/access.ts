import type { Request } from 'express';
import { type AccessThrottle, clientKey } from '../access/service.js';
import type { Clock } from '../deps.js';
import { linkNotValid, tooManyRequests } from '../errors.js';
import type { TokenRepo, TokenRow } from '../tokens/repo.js';
import { type CredentialKind, isAccessCodeShape, resolveCredential } from '../tokens/service.js';

/**
 * Guards every look-up of a link token or access code. The credential is looked up first and a
 * valid one is always served, autosave included: a client's failures, or anyone else's, never
 * cost a respondent their link or code. Only failures are throttled, per client address and per
 * kind (codes are shorter than links), with delays that grow with each failure.
 */
export function createRespondentAccess(deps: { tokens: TokenRepo; throttle: AccessThrottle; clock: Clock }) {
  const { throttle, clock } = deps;
  return {
    /** The live token behind the credential, or a 404/429 that says nothing about why. */
    lookUp(req: Request, credential: string, kind?: CredentialKind): { token: TokenRow; kind: CredentialKind } {
      const counted: CredentialKind = kind ?? (isAccessCodeShape(credential) ? 'code' : 'link');
      const resolution = resolveCredential(deps.tokens, credential, clock());
      if (resolution.token && resolution.kind === counted) return { token: resolution.token, kind: counted };
      // `req.ip` honours TRUST_PROXY exactly as Express defines it (a hop count or the proxies' addresses).
      const client = clientKey(req.ip);
      const wait = throttle.retryAfter(client, counted);
      if (wait > 0) throw tooManyRequests(wait);
      throttle.recordFailure(client, counted);
      throw linkNotValid();
    },
  };
}

export type RespondentAccess = ReturnType<typeof createRespondentAccess>;
