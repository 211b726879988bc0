import type { FastifyInstance } from "fastify";
import axios from "axios";
import { prisma } from "../db.js";
import { verifiedUser } from "../plugins/auth.js";

const ALLOWED_HOSTS = new Set(["hooks.slack.com", "api.pagerduty.com"]);

export async function webhookRoutes(app: FastifyInstance) {
  app.addHook("preHandler", verifiedUser);

  app.post<{ Body: { url: string; ticketId: string } }>("/test", async (request) => {
    const response = await axios.post(request.body.url, { ticketId: request.body.ticketId });
    return { status: response.status };
  });

  app.post<{ Body: { url: string; ticketId: string } }>("/deliver", async (request, reply) => {
    const target = new URL(request.body.url);
    if (target.protocol !== "https:" || !ALLOWED_HOSTS.has(target.hostname)) return reply.status(400).send({ error: "host not allowed" });
    const response = await fetch(target, { method: "POST", body: JSON.stringify({ ticketId: request.body.ticketId }), signal: AbortSignal.timeout(5000) });
    return { status: response.status };
  });

  app.post<{ Body: { ticketId: string } }>("/notify", async (request) => {
    try {
      await axios.post(process.env.NOTIFY_URL ?? "", { ticketId: request.body.ticketId });
    } catch (err) {
    }
    await prisma.ticket.update({ where: { id: request.body.ticketId }, data: { notifiedAt: new Date() } });
    return { queued: true };
  });
}
