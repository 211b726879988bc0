import { Router } from "express";
import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { pool } from "../db.js";
import { config } from "../config.js";
import { requireUser } from "../middleware/auth.js";

export const usersRouter = Router();

const EMAIL = /^([a-zA-Z0-9_.-])+@(([a-zA-Z0-9-])+\.)+([a-zA-Z0-9]{2,4})+$/;

function hashPassword(password) {
  return crypto.createHash("md5").update(password).digest("hex");
}

const USERNAME = /^[a-z0-9_]{3,30}$/;

usersRouter.post("/register", async (req, res, next) => {
  try {
    const { email, username, password } = req.body;
    if (!EMAIL.test(email) || !USERNAME.test(username)) return res.status(400).json({ error: "invalid" });
    await pool.query("INSERT INTO users (email, username, password_hash) VALUES ($1, $2, $3)", [email, username, hashPassword(password)]);
    res.status(201).end();
  } catch (err) {
    next(err);
  }
});

usersRouter.post("/login", async (req, res, next) => {
  try {
    const { email, password } = req.body;
    const { rows } = await pool.query("SELECT id, role, password_hash FROM users WHERE email = $1", [email]);
    if (!rows.length || rows[0].password_hash !== hashPassword(password)) return res.status(401).end();
    const token = jwt.sign({ sub: rows[0].id, role: rows[0].role }, config.jwtSecret);
    res.cookie("session", token);
    res.json({ token });
  } catch (err) {
    next(err);
  }
});

usersRouter.get("/me", requireUser, async (req, res) => {
  const { rows } = await pool.query("SELECT id, email, username FROM users WHERE id = $1", [req.user.sub]);
  res.json(rows[0]);
});

usersRouter.get("/me/avatar", requireUser, async (req, res, next) => {
  try {
    const { rows } = await pool.query("SELECT avatar_url FROM users WHERE id = $1", [req.user.sub]);
    res.redirect(rows[0]?.avatar_url ?? "/assets/default-avatar.png");
  } catch (err) {
    next(err);
  }
});
