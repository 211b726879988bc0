import Fastify from "fastify";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import { authPlugin } from "./plugins/auth.js";
import { ticketRoutes } from "./routes/tickets.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { reportRoutes } from "./routes/reports.js";
import { sessionRoutes } from "./routes/sessions.js";

export const app = Fastify({ logger: true });

await app.register(helmet);
await app.register(cors, { origin: "*" });
await app.register(rateLimit, { global: false, keyGenerator: (request) => request.ip });
await app.register(authPlugin);

await app.register(sessionRoutes, { prefix: "/sessions" });
await app.register(ticketRoutes, { prefix: "/tickets" });
await app.register(webhookRoutes, { prefix: "/webhooks" });
await app.register(reportRoutes, { prefix: "/reports" });

app.setErrorHandler((error, request, reply) => {
  request.log.error(error);
  reply.status(error.statusCode ?? 500).send({ error: error.statusCode && error.statusCode < 500 ? error.message : "internal error" });
});

await app.listen({ port: Number(process.env.PORT ?? 3000), host: "0.0.0.0" });
