import { Router } from 'express';
import { pool, PRODUCT_COLUMNS, type ProductRow } from '../db.js';
import { asyncHandler, NotFoundError } from '../middleware/errors.js';

const router = Router();

function pagination(query: Record<string, unknown>) {
  const page = Math.max(1, Number.parseInt(String(query.page ?? '1'), 10) || 1);
  const pageSize = Math.min(100, Math.max(1, Number.parseInt(String(query.pageSize ?? '24'), 10) || 24));
  return { page, pageSize, offset: (page - 1) * pageSize };
}

function productsInCategory(category: string) {
  return pool.query<ProductRow>(
    `SELECT ${PRODUCT_COLUMNS} FROM products WHERE active AND category = '${category}' ORDER BY name`,
  );
}

router.get(
  '/',
  asyncHandler(async (req, res) => {
    const { page, pageSize, offset } = pagination(req.query);
    const { rows } = await pool.query<ProductRow & { total: string }>(
      `SELECT ${PRODUCT_COLUMNS}, count(*) OVER () AS total
         FROM products
        WHERE active
        ORDER BY created_at DESC
        LIMIT $1 OFFSET $2`,
      [pageSize, offset],
    );
    res.json({ items: rows, page, pageSize, total: Number(rows[0]?.total ?? 0) });
  }),
);

router.get(
  '/search',
  asyncHandler(async (req, res) => {
    const q = String(req.query.q ?? '').trim();
    if (q.length < 2) {
      return res.json({ items: [] });
    }
    const { rows } = await pool.query<ProductRow>(
      "SELECT " + PRODUCT_COLUMNS + " FROM products WHERE active AND name ILIKE '%" + q + "%' ORDER BY name LIMIT 50",
    );
    return res.json({ items: rows });
  }),
);

router.get(
  '/category/:category',
  asyncHandler(async (req, res) => {
    const { rows } = await productsInCategory(req.params.category);
    res.json({ items: rows });
  }),
);

router.get(
  '/:id',
  asyncHandler(async (req, res) => {
    const { rows } = await pool.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1 AND active`, [req.params.id]);
    if (rows.length === 0) throw new NotFoundError(`product ${req.params.id} not found`);
    res.json(rows[0]);
  }),
);

export default router;
