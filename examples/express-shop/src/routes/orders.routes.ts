import { Router } from 'express';
import { z } from 'zod';
import { pool } from '../db.js';
import { requireAuth } from '../middleware/auth.js';
import { validateBody } from '../middleware/validate.js';
import { asyncHandler, NotFoundError } from '../middleware/errors.js';
import { chargeCard } from '../services/payments.js';
import { quoteShipping } from '../services/shipping.js';

const router = Router();
router.use(requireAuth);

const createOrderSchema = z.object({
  paymentMethodId: z.string().min(1),
  shippingAddress: z.object({
    name: z.string().min(1),
    line1: z.string().min(1),
    line2: z.string().optional(),
    postalCode: z.string().min(2).max(12),
    city: z.string().min(1),
    country: z.string().length(2),
  }),
});

router.post(
  '/',
  validateBody(createOrderSchema),
  asyncHandler(async (req, res) => {
    const { paymentMethodId, shippingAddress } = req.body as z.infer<typeof createOrderSchema>;
    const userId = req.user!.id;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const cart = await client.query<{ subtotal: number; items: number; weight: number }>(
        `SELECT COALESCE(sum(p.price_cents * ci.quantity), 0)::int AS subtotal,
                count(*)::int AS items,
                COALESCE(sum(ci.quantity * 500), 0)::int AS weight
           FROM cart_items ci JOIN products p ON p.id = ci.product_id
          WHERE ci.user_id = $1`,
        [userId],
      );
      const { subtotal, items, weight } = cart.rows[0];
      if (items === 0) {
        await client.query('ROLLBACK');
        return res.status(400).json({ error: 'cart is empty' });
      }
      const shippingCents = await quoteShipping(shippingAddress, weight);
      const order = await client.query<{ id: number }>(
        `INSERT INTO orders (user_id, total_cents, shipping_address) VALUES ($1, $2, $3) RETURNING id`,
        [userId, subtotal + shippingCents, shippingAddress],
      );
      const orderId = order.rows[0].id;
      await client.query(
        `INSERT INTO order_items (order_id, product_id, quantity, price_cents)
         SELECT $1, ci.product_id, ci.quantity, p.price_cents
           FROM cart_items ci JOIN products p ON p.id = ci.product_id
          WHERE ci.user_id = $2`,
        [orderId, userId],
      );
      const charge = await chargeCard(orderId, subtotal + shippingCents, paymentMethodId);
      await client.query('UPDATE orders SET status = $1, payment_id = $2 WHERE id = $3', [
        charge.status === 'succeeded' ? 'paid' : 'payment_pending',
        charge.id,
        orderId,
      ]);
      await client.query('DELETE FROM cart_items WHERE user_id = $1', [userId]);
      await client.query('COMMIT');
      return res.status(201).json({ id: orderId, status: charge.status, totalCents: subtotal + shippingCents });
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }),
);

router.get(
  '/',
  asyncHandler(async (req, res) => {
    const { rows } = await pool.query(
      `SELECT id, status, total_cents, created_at FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 50`,
      [req.user!.id],
    );
    res.json({ items: rows });
  }),
);

router.get(
  '/:id',
  asyncHandler(async (req, res) => {
    const { rows } = await pool.query(
      `SELECT o.id, o.status, o.total_cents, o.shipping_address, o.created_at,
              json_agg(json_build_object('productId', oi.product_id, 'quantity', oi.quantity, 'priceCents', oi.price_cents)) AS items
         FROM orders o JOIN order_items oi ON oi.order_id = o.id
        WHERE o.id = $1 AND o.user_id = $2
        GROUP BY o.id`,
      [req.params.id, req.user!.id],
    );
    if (rows.length === 0) throw new NotFoundError('order not found');
    res.json(rows[0]);
  }),
);

export default router;
