import { Hono } from "hono";
import { setSignedCookie } from "hono/cookie";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { users } from "../db.js";

export const accountRoutes = new Hono();
const scryptAsync = promisify(scrypt);

const credentials = z.object({ email: z.string().email(), password: z.string().min(8).max(200) });

accountRoutes.post("/login", zValidator("json", credentials), async (c) => {
  const { email, password } = c.req.valid("json");
  const user = await users.findOne({ email });
  if (!user) return c.json({ error: "invalid credentials" }, 401);
  const hash = (await scryptAsync(password, user.salt, 64)) as Buffer;
  if (!timingSafeEqual(hash, Buffer.from(user.passwordHash, "hex"))) return c.json({ error: "invalid credentials" }, 401);
  await setSignedCookie(c, "sid", String(user._id), process.env.COOKIE_SECRET ?? "", { httpOnly: true, secure: true, sameSite: "Lax", maxAge: 8 * 3600 });
  return c.json({ ok: true });
});
