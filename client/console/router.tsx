import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

/**
 * A small history router: the console lives under /staff/, and the server answers every path
 * there with the console's page. The fragment is left alone (a set-password link keeps its token there).
 */
export const BASE = '/staff';

/** The console path without /staff, e.g. "/fieldings"; "/" for the console's root. */
export const consolePath = (pathname: string) => pathname.slice(BASE.length).replace(/\/+$/, '') || '/';

const listeners = new Set<() => void>();

export function navigate(path: string, options: { replace?: boolean } = {}) {
  const url = `${BASE}${path}`;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const listener of listeners) listener();
}

export function usePath(): string {
  const [path, setPath] = useState(() => consolePath(window.location.pathname));
  useEffect(() => {
    const update = () => setPath(consolePath(window.location.pathname));
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** A real link (it opens in a new tab too) that moves within the console without a reload. */
export function Link({ to, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={`${BASE}${to}`} onClick={onClick} {...rest} />;
}
