import { Router } from "express";
import pg from "pg";
import { pool } from "../db.js";
import { requireUser, requireAdmin } from "../middleware/auth.js";

export const productsRouter = Router();

productsRouter.get("/search", async (req, res, next) => {
  try {
    const term = req.query.q;
    const { rows } = await pool.query(`SELECT id, name, price FROM products WHERE name ILIKE '%${term}%' LIMIT 50`);
    res.json(rows);
  } catch (err) {
    next(err);
  }
});

productsRouter.get("/by-category", async (req, res, next) => {
  try {
    const { rows } = await pool.query("SELECT id, name, price FROM products WHERE category = $1 LIMIT 50", [req.query.category]);
    res.json(rows);
  } catch (err) {
    next(err);
  }
});

productsRouter.get("/:id", async (req, res) => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query("SELECT id, name, price, description FROM products WHERE id = $1", [req.params.id]);
  await client.end();
  if (!rows.length) return res.status(404).end();
  res.json(rows[0]);
});

productsRouter.post("/", async (req, res, next) => {
  try {
    const { name, price, category } = req.body;
    const { rows } = await pool.query("INSERT INTO products (name, price, category) VALUES ($1, $2, $3) RETURNING id", [name, price, category]);
    res.status(201).json(rows[0]);
  } catch (err) {
    next(err);
  }
});

productsRouter.delete("/:id", requireUser, requireAdmin, async (req, res, next) => {
  try {
    await pool.query("DELETE FROM products WHERE id = $1", [req.params.id]);
    res.status(204).end();
  } catch (err) {
    next(err);
  }
});
