import { Router } from 'express';
import bcrypt from 'bcrypt';
import { z } from 'zod';
import { pool } from '../db.js';
import { issueToken, type AuthUser } from '../middleware/auth.js';
import { loginLimiter } from '../middleware/rate-limit.js';
import { validateBody } from '../middleware/validate.js';
import { asyncHandler } from '../middleware/errors.js';

const router = Router();

const registerSchema = z.object({
  email: z.string().email().toLowerCase(),
  password: z.string().min(10).max(200),
  name: z.string().min(1).max(100),
});

const loginSchema = z.object({
  email: z.string().email().toLowerCase(),
  password: z.string().min(1),
});

router.post(
  '/register',
  validateBody(registerSchema),
  asyncHandler(async (req, res) => {
    const { email, password, name } = req.body as z.infer<typeof registerSchema>;
    const passwordHash = await bcrypt.hash(password, 12);
    const { rows } = await pool.query<AuthUser>(
      `INSERT INTO users (email, password_hash, name) VALUES ($1, $2, $3)
       ON CONFLICT (email) DO NOTHING
       RETURNING id, email, role`,
      [email, passwordHash, name],
    );
    if (rows.length === 0) {
      return res.status(409).json({ error: 'email already registered' });
    }
    return res.status(201).json({ token: issueToken(rows[0]) });
  }),
);

router.post(
  '/login',
  loginLimiter,
  validateBody(loginSchema),
  asyncHandler(async (req, res) => {
    const { email, password } = req.body as z.infer<typeof loginSchema>;
    const { rows } = await pool.query<AuthUser & { password_hash: string }>(
      'SELECT id, email, role, password_hash FROM users WHERE email = $1',
      [email],
    );
    const user = rows[0];
    const ok = user ? await bcrypt.compare(password, user.password_hash) : false;
    if (!user || !ok) {
      return res.status(401).json({ error: 'invalid email or password' });
    }
    return res.json({ token: issueToken({ id: user.id, email: user.email, role: user.role }) });
  }),
);

export default router;
