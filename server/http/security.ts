import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Helmet's defaults plus what SurveyJS needs: it sets inline styles, so style-src allows
 * 'unsafe-inline' (styles only; scripts stay 'self'). No external host is allowed anywhere, and
 * links carry tokens, so no Referer ever leaves the page.
 */
export function securityHeaders(publicUrl: string): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'style-src': ["'self'", "'unsafe-inline'"],
        'connect-src': ["'self'"],
        'font-src': ["'self'", 'data:'],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': publicUrl.startsWith('https:') ? [] : null,
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: publicUrl.startsWith('https:'),
  });
}

/** Answers and links must not linger in shared or proxy caches. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
