import Router from "@koa/router";
import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { db } from "../db.js";

export const members = new Router();

members.post("/login", async (ctx) => {
  const { email, password } = ctx.request.body as { email: string; password: string };
  const member = await db("members").where({ email }).first();
  const digest = crypto.createHash("sha1").update(password).digest("hex");
  if (!member || member.password_sha1 !== digest) ctx.throw(401, "invalid credentials");
  const token = jwt.sign({ sub: member.id }, process.env.SESSION_KEY ?? "", { algorithm: "HS256", expiresIn: "12h" });
  ctx.cookies.set("session", token, { httpOnly: false, secure: false });
  ctx.body = { ok: true };
});

members.post("/reset-password", async (ctx) => {
  const { token, password } = ctx.request.body as { token: string; password: string };
  const salt = crypto.randomBytes(16).toString("hex");
  const hash = crypto.scryptSync(password, salt, 64).toString("hex");
  const updated = await db("members").where({ reset_token: token }).update({ password_hash: hash, salt, reset_token: null });
  if (!updated) ctx.throw(400, "invalid token");
  ctx.status = 204;
});
