import { createContext, useContext } from 'react';
import type { Failure, Staff } from './api.js';

export type Session = {
  staff: Staff;
  /** Called when the server says the session is gone (timed out, or ended by a role change). */
  expired(): void;
};

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/** Words for a failed request; a lost session sends the user to sign in again instead. */
export function failureMessage(failure: Failure, session: Session | undefined): string {
  switch (failure.kind) {
    case 'signed_out':
      session?.expired();
      return 'Your session has ended. Sign in again.';
    case 'too_many_requests':
      return `Too many attempts. Try again in ${waitInWords(failure.retryAfterSeconds)}.`;
    case 'refused':
      return failure.message;
    case 'unavailable':
      return 'The server could not be reached or answered with an error. Try again in a moment.';
  }
}

export function waitInWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
