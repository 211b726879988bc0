import type { Context, Next } from "hono";
import { getSignedCookie } from "hono/cookie";

export async function requireSession(c: Context, next: Next) {
  const userId = await getSignedCookie(c, process.env.COOKIE_SECRET ?? "", "sid");
  if (!userId) return c.json({ error: "sign in" }, 401);
  c.set("userId", userId);
  await next();
}
