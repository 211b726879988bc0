import Koa from "koa";
import cors from "@koa/cors";
import bodyParser from "koa-bodyparser";
import logger from "koa-logger";
import ratelimit from "koa-ratelimit";
import Redis from "ioredis";
import { errors } from "./middleware/errors.js";
import { router } from "./routes/index.js";

const ALLOWED_ORIGINS = new Set(["https://library.example.org", "https://admin.library.example.org"]);

export function createApp() {
  const app = new Koa();
  app.use(errors);
  app.use(logger());
  app.use(cors({ origin: (ctx) => (ALLOWED_ORIGINS.has(ctx.get("Origin")) ? ctx.get("Origin") : ""), credentials: true }));
  app.use(
    ratelimit({
      driver: "redis",
      db: new Redis(process.env.REDIS_URL ?? "redis://localhost:6379"),
      duration: 60_000,
      max: 100,
      id: (ctx) => ctx.get("X-Forwarded-For") || ctx.ip,
    }),
  );
  app.use(bodyParser({ jsonLimit: "100kb" }));
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
