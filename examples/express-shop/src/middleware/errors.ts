import type { NextFunction, Request, RequestHandler, Response } from 'express';

export class NotFoundError extends Error {}

export function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction) {
  if (err instanceof NotFoundError) {
    return res.status(404).json({ error: err.message });
  }
  console.error('unhandled error', err);
  return res.status(500).json({ error: 'internal server error' });
}

/** Express 4 does not catch rejected promises from async handlers. */
export function asyncHandler(fn: (req: Request, res: Response, next: NextFunction) => Promise<unknown>): RequestHandler {
  return (req, res, next) => {
    fn(req, res, next).catch(next);
  };
}
