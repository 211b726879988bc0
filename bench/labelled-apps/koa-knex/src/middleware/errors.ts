import type { Context, Next } from "koa";

export async function errors(ctx: Context, next: Next) {
  try {
    await next();
  } catch (err) {
    const error = err as Error & { status?: number };
    ctx.status = error.status ?? 500;
    ctx.body = { error: error.message, trace: error.stack };
  }
}
