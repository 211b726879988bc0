import { Router } from 'express';
import { z } from 'zod';
import { pool } from '../db.js';
import { requireAuth } from '../middleware/auth.js';
import { validateBody } from '../middleware/validate.js';
import { asyncHandler } from '../middleware/errors.js';

const router = Router();

const quantitySchema = z.object({ quantity: z.number().int().min(1).max(99) });

router.get(
  '/',
  requireAuth,
  asyncHandler(async (req, res) => {
    const { rows } = await pool.query(
      `SELECT ci.id, ci.product_id, p.name, p.price_cents, ci.quantity
         FROM cart_items ci
         JOIN products p ON p.id = ci.product_id
        WHERE ci.user_id = $1
        ORDER BY ci.id`,
      [req.user!.id],
    );
    const totalCents = rows.reduce((sum, item) => sum + item.price_cents * item.quantity, 0);
    res.json({ items: rows, totalCents });
  }),
);

router.post(
  '/items',
  requireAuth,
  asyncHandler(async (req, res) => {
    const { productId, quantity } = req.body;
    const { rows } = await pool.query(
      `INSERT INTO cart_items (user_id, product_id, quantity)
       VALUES ($1, $2, $3)
       ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = cart_items.quantity + EXCLUDED.quantity
       RETURNING id, product_id, quantity`,
      [req.user!.id, productId, quantity ?? 1],
    );
    res.status(201).json(rows[0]);
  }),
);

router.patch(
  '/items/:itemId',
  requireAuth,
  validateBody(quantitySchema),
  asyncHandler(async (req, res) => {
    const { rowCount } = await pool.query('UPDATE cart_items SET quantity = $1 WHERE id = $2 AND user_id = $3', [
      req.body.quantity,
      req.params.itemId,
      req.user!.id,
    ]);
    res.status(rowCount ? 204 : 404).end();
  }),
);

router.delete(
  '/items/:itemId',
  asyncHandler(async (req, res) => {
    await pool.query('DELETE FROM cart_items WHERE id = $1', [req.params.itemId]);
    res.status(204).end();
  }),
);

export default router;
