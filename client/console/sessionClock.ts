/**
 * When the signed-in session ends unless used again, as the server last said (X-Session-Expires-In
 * on every answer). Kept as this browser's time, so a server clock set elsewhere does not matter.
 */
const SESSION_EXPIRES_HEADER = 'X-Session-Expires-In';

let endsAtMs: number | undefined;
const listeners = new Set<() => void>();

export function noteSessionAnswer(headers: Headers) {
  const seconds = Number(headers.get(SESSION_EXPIRES_HEADER) ?? Number.NaN);
  if (!Number.isFinite(seconds)) return;
  endsAtMs = Date.now() + seconds * 1000;
  for (const listener of listeners) listener();
}

export const sessionEndsAt = () => endsAtMs;

export function forgetSessionEnd() {
  endsAtMs = undefined;
  for (const listener of listeners) listener();
}

export function onSessionEndChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
