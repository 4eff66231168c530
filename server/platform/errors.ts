import type { ErrorRequestHandler, RequestHandler } from 'express';

/**
 * Every error response has one shape: { error: { code, message, details? } }.
 * Codes are stable identifiers the client and tests rely on; messages are for people.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details);

export const invalidInput = (message: string, details?: unknown) =>
  new AppError(400, 'invalid_input', message, details);

/** Unknown, revoked and expired links all get this one answer, so a guesser learns nothing. */
export const linkNotValid = () =>
  new AppError(
    404,
    'link_not_valid',
    'This survey link or access code is not valid. Check it against your invitation, or contact the study team.',
  );

export const notFound = (message = 'Not found.') => new AppError(404, 'not_found', message);

export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);

export const unprocessable = (code: string, message: string, details?: unknown) =>
  new AppError(422, code, message, details);

export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(
    429,
    'too_many_requests',
    'Too many attempts from this connection. Wait a few minutes and try again.',
    { retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );

/** Errors outside the app's own vocabulary that Express or body-parser raise. */
type HttpishError = { status?: number; statusCode?: number; type?: string; expose?: boolean };

function fromHttpError(err: HttpishError): AppError | undefined {
  const status = err.status ?? err.statusCode;
  if (!status || status < 400 || status >= 500) return undefined;
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'malformed_json', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new AppError(413, 'body_too_large', 'The request body is larger than the server accepts.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError(415, 'unsupported_encoding', 'The request body encoding is not supported.');
    default:
      return new AppError(status, 'bad_request', 'The request could not be read.');
  }
}

export function errorBody(err: AppError) {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details === undefined ? {} : { details: err.details }),
    },
  };
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(notFound('No such page or API route.'));
};

export function createErrorHandler(logError: (message: string) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const appError = err instanceof AppError ? err : typeof err === 'object' && err ? fromHttpError(err) : undefined;
    if (appError) {
      if (appError.headers) res.set(appError.headers);
      res.status(appError.status).json(errorBody(appError));
      return;
    }
    // Only the class and stack: an error's message may quote request data (answers, tokens).
    logError(
      `unhandled ${err instanceof Error ? err.name : typeof err}: ${err instanceof Error ? err.stack?.split('\n').slice(1, 4).join(' | ') : ''}`,
    );
    res
      .status(500)
      .json(
        errorBody(
          new AppError(
            500,
            'internal',
            'Something went wrong on the server. Your saved answers are safe; try again shortly.',
          ),
        ),
      );
  };
}
