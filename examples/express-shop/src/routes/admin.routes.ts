import { Router } from 'express';
import { z } from 'zod';
import { pool, PRODUCT_COLUMNS, type ProductRow } from '../db.js';
import { requireAuth, requireRole } from '../middleware/auth.js';
import { validateBody } from '../middleware/validate.js';
import { asyncHandler, NotFoundError } from '../middleware/errors.js';

const router = Router();
router.use(requireAuth, requireRole('admin'));

const productSchema = z.object({
  sku: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  description: z.string().max(5000).default(''),
  category: z.string().min(1).max(64),
  priceCents: z.number().int().nonnegative(),
  stock: z.number().int().nonnegative().default(0),
});

router.post(
  '/products',
  validateBody(productSchema),
  asyncHandler(async (req, res) => {
    const p = req.body as z.infer<typeof productSchema>;
    const { rows } = await pool.query<ProductRow>(
      `INSERT INTO products (sku, name, description, category, price_cents, stock)
       VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING ${PRODUCT_COLUMNS}`,
      [p.sku, p.name, p.description, p.category, p.priceCents, p.stock],
    );
    res.status(201).json(rows[0]);
  }),
);

router.put(
  '/products/:id',
  validateBody(productSchema),
  asyncHandler(async (req, res) => {
    const p = req.body as z.infer<typeof productSchema>;
    const { rows } = await pool.query<ProductRow>(
      `UPDATE products
          SET sku = $2, name = $3, description = $4, category = $5, price_cents = $6, stock = $7
        WHERE id = $1
        RETURNING ${PRODUCT_COLUMNS}`,
      [req.params.id, p.sku, p.name, p.description, p.category, p.priceCents, p.stock],
    );
    if (rows.length === 0) throw new NotFoundError('product not found');
    res.json(rows[0]);
  }),
);

router.delete(
  '/products/:id',
  asyncHandler(async (req, res) => {
    // Soft delete: order_items keep referencing the row.
    const { rowCount } = await pool.query('UPDATE products SET active = false WHERE id = $1', [req.params.id]);
    res.status(rowCount ? 204 : 404).end();
  }),
);

router.get(
  '/orders',
  asyncHandler(async (req, res) => {
    const status = typeof req.query.status === 'string' ? req.query.status : null;
    const { rows } = await pool.query(
      `SELECT o.id, o.user_id, u.email, o.status, o.total_cents, o.created_at
         FROM orders o JOIN users u ON u.id = o.user_id
        WHERE ($1::text IS NULL OR o.status = $1)
        ORDER BY o.created_at DESC
        LIMIT 200`,
      [status],
    );
    res.json({ items: rows });
  }),
);

export default router;
