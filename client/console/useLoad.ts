import { useCallback, useEffect, useState } from 'react';
import type { ApiResult } from './api.js';
import { failureMessage, useSession } from './session.js';

/**
 * Loads what a page shows, again on `reload()` or when a value in `inputs` changes; a failure
 * becomes words (or a sign-in prompt).
 */
export function useLoad<T>(load: () => Promise<ApiResult<T>>, inputs: readonly unknown[] = []) {
  const session = useSession();
  const [state, setState] = useState<{ value?: T; error?: string }>({});
  const [round, setRound] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is a new closure each render; `round` and `inputs` decide when to load
  useEffect(() => {
    let live = true;
    void load().then((result) => {
      if (!live) return;
      setState(result.ok ? { value: result.value } : { error: failureMessage(result.failure, session) });
    });
    return () => {
      live = false;
    };
  }, [round, ...inputs]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}
