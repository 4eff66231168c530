import type { Request } from 'express';
import type { AccessThrottle } from '../access/service.js';
import { clientKey } from '../http/client.js';
import type { Clock } from '../platform/clock.js';
import { linkNotValid, tooManyRequests } from '../platform/errors.js';
import type { TokenRepo, TokenRow } from '../tokens/repo.js';
import { type CredentialKind, isAccessCodeShape, resolveCredential } from '../tokens/service.js';
import type { CompleteBody, DeclineBody, DraftBody } from './schema.js';

/**
 * A staff preview's token takes the respondent's routes, but its answers go to its preview session,
 * never to a case. The previews feature (which stands on this one) supplies these, so the
 * respondent API knows a preview only by this shape.
 */
export type PreviewAnswering<P extends object> = {
  isPreviewToken(credential: string): boolean;
  /** The live preview behind a preview token, or undefined (unknown and expired alike). */
  resolve(credential: string): P | undefined;
  open(preview: P): unknown;
  saveDraft(preview: P, body: DraftBody): unknown;
  complete(preview: P, body: CompleteBody): Promise<unknown>;
  decline(preview: P, reason: DeclineBody['reason']): unknown;
};

/**
 * Guards every look-up of a link token, access code or staff preview token. The credential is
 * looked up first and a valid one is always served, autosave included: a client's failures, or
 * anyone else's, never cost a respondent their link or code. Only failures are throttled, per
 * client address and per kind (codes are shorter than links), with delays that grow with each
 * failure; an expired preview fails exactly like an unknown link.
 */
export function createRespondentAccess<P extends object>(deps: {
  tokens: TokenRepo;
  throttle: AccessThrottle;
  clock: Clock;
  previews: PreviewAnswering<P>;
}) {
  const { throttle, clock } = deps;
  const refuse = (req: Request, counted: CredentialKind): never => {
    // `req.ip` honours TRUST_PROXY exactly as Express defines it (a hop count or the proxies' addresses).
    const client = clientKey(req.ip);
    const wait = throttle.retryAfter(client, counted);
    if (wait > 0) throw tooManyRequests(wait);
    throttle.recordFailure(client, counted);
    throw linkNotValid();
  };
  return {
    /**
     * The token behind the credential, or a 404/429 that says nothing about why. A token of a
     * fielding that has closed is returned too, marked, for the caller to say so.
     */
    lookUp(
      req: Request,
      credential: string,
      kind?: CredentialKind,
    ): { token: TokenRow; kind: CredentialKind; fieldingClosed: boolean } {
      const counted: CredentialKind = kind ?? (isAccessCodeShape(credential) ? 'code' : 'link');
      const resolution = resolveCredential(deps.tokens, credential, clock());
      if (resolution.kind === counted) {
        if (resolution.token) return { token: resolution.token, kind: counted, fieldingClosed: false };
        if (resolution.closedToken) return { token: resolution.closedToken, kind: counted, fieldingClosed: true };
      }
      return refuse(req, counted);
    },
    /** The live staff preview behind a preview token, or the same 404/429 as a bad link. */
    lookUpPreview(req: Request, credential: string): P {
      return deps.previews.resolve(credential) ?? refuse(req, 'link');
    },
  };
}

export type RespondentAccess<P extends object> = ReturnType<typeof createRespondentAccess<P>>;
