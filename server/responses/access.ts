import type { Request } from 'express';
import type { RespondentLimits } from '../config.js';
import type { Clock } from '../deps.js';
import { linkNotValid, tooManyRequests } from '../errors.js';
import { createFailureLimiter } from '../http/rateLimit.js';
import type { TokenRepo, TokenRow } from '../tokens/repo.js';
import { type CredentialKind, isAccessCodeShape, resolveCredential } from '../tokens/service.js';

/**
 * Guards every look-up of a link token or access code. Failed look-ups are throttled per client
 * address (links and codes separately, codes being shorter) and, for codes, across all clients,
 * so neither one machine nor a botnet can enumerate codes. Staff-login throttling is separate.
 */
export function createRespondentAccess(deps: { tokens: TokenRepo; limits: RespondentLimits; clock: Clock }) {
  const { limits, clock } = deps;
  const perClient = {
    link: createFailureLimiter({ limit: limits.failedLinkLookupsPerClient, windowMs: limits.windowMs, clock }),
    code: createFailureLimiter({ limit: limits.failedCodeLookupsPerClient, windowMs: limits.windowMs, clock }),
  };
  const allCodes = createFailureLimiter({ limit: limits.failedCodeLookupsGlobal, windowMs: limits.windowMs, clock });

  function refuseIfBlocked(kind: CredentialKind, client: string) {
    const wait = Math.max(perClient[kind].retryAfter(client), kind === 'code' ? allCodes.retryAfter('all') : 0);
    if (wait > 0) throw tooManyRequests(wait);
  }

  return {
    /** The live token behind the credential, or a 404/429 that says nothing about why. */
    lookUp(req: Request, credential: string, kind?: CredentialKind): { token: TokenRow; kind: CredentialKind } {
      const client = req.ip ?? 'unknown';
      const counted: CredentialKind = kind ?? (isAccessCodeShape(credential) ? 'code' : 'link');
      // A blocked client is refused before any look-up is made on its behalf.
      refuseIfBlocked(counted, client);
      const resolution = resolveCredential(deps.tokens, credential, clock());
      if (!resolution.token || resolution.kind !== counted) {
        perClient[counted].recordFailure(client);
        if (counted === 'code') allCodes.recordFailure('all');
        throw linkNotValid();
      }
      return { token: resolution.token, kind: counted };
    },
  };
}

export type RespondentAccess = ReturnType<typeof createRespondentAccess>;
