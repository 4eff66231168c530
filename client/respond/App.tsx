import { AccessCodePage } from './AccessCodePage.js';
import { RespondPage } from './RespondPage.js';
import { LinkNotValidView } from './views.js';

/** The server sends this page for `/s/<token>` and for `/code`; anything else is a broken link. */
export function App({ pathname }: { pathname: string }) {
  if (/^\/code\/?$/.test(pathname)) return <AccessCodePage />;
  const link = /^\/s\/([^/]+)\/?$/.exec(pathname);
  const token = link?.[1] ? safeDecode(link[1]) : null;
  if (token) return <RespondPage credential={token} />;
  return <LinkNotValidView />;
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
