import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { config } from '../config.js';

export type Role = 'customer' | 'admin';

export interface AuthUser {
  id: number;
  email: string;
  role: Role;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: AuthUser;
    }
  }
}

export function issueToken(user: AuthUser): string {
  return jwt.sign({ email: user.email, role: user.role }, config.jwtSecret, {
    subject: String(user.id),
    expiresIn: config.jwtTtl,
  });
}

export function requireAuth(req: Request, res: Response, next: NextFunction) {
  const header = req.get('authorization') ?? '';
  const [scheme, token] = header.split(' ');
  if (scheme !== 'Bearer' || !token) {
    return res.status(401).json({ error: 'authentication required' });
  }
  try {
    const claims = jwt.verify(token, config.jwtSecret) as jwt.JwtPayload;
    req.user = { id: Number(claims.sub), email: claims.email, role: claims.role };
    return next();
  } catch {
    return res.status(401).json({ error: 'invalid or expired token' });
  }
}

export function requireRole(role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.user?.role !== role) {
      return res.status(403).json({ error: 'forbidden' });
    }
    return next();
  };
}
