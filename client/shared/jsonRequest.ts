import type * as z from 'zod/mini';

export type Outcome<T, F> = { ok: true; value: T } | { ok: false; failure: F };

/**
 * One request to the app's own JSON API, as the respondent app and the staff console both make it:
 * same-origin, never cached, and the answer parsed with a schema, because what the server sends is
 * input like any other. `classify` sorts an error answer into the caller's failures; `unavailable`
 * stands for no answer at all, or one that does not match the schema (a server fault).
 */
export async function jsonRequest<T, F>(request: {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  schema: z.ZodMiniType<T>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sends with keepalive (the request outlives the page) when the body is shorter than this. */
  keepaliveUnder?: number;
  classify(response: Response, json: unknown): F;
  unavailable: F;
  /** Sees every answer's headers, error or not (the console reads its session's time left there). */
  onResponse?(response: Response): void;
}): Promise<Outcome<T, F>> {
  const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: {
        Accept: 'application/json',
        ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...request.headers,
      },
      body: payload,
      credentials: 'same-origin',
      cache: 'no-store',
      keepalive: payload !== undefined && payload.length < (request.keepaliveUnder ?? 0),
    });
  } catch {
    return { ok: false, failure: request.unavailable };
  }
  request.onResponse?.(response);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    json = undefined;
  }
  if (!response.ok) return { ok: false, failure: request.classify(response, json) };
  const parsed = request.schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, failure: request.unavailable };
}
