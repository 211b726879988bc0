import type { Context, Next } from "koa";
import jwt from "jsonwebtoken";

export async function requireMember(ctx: Context, next: Next) {
  const token = ctx.cookies.get("session");
  if (!token) ctx.throw(401, "sign in first");
  try {
    ctx.state.member = jwt.verify(token, process.env.SESSION_KEY ?? "", { algorithms: ["HS256"] });
  } catch {
    ctx.throw(401, "session expired");
  }
  await next();
}
