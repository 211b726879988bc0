import type { FastifyInstance } from "fastify";
import { prisma } from "../db.js";
import { authenticate } from "../plugins/auth.js";

interface TicketBody {
  title: string;
  body: string;
  priority?: "low" | "normal" | "high";
}

export async function ticketRoutes(app: FastifyInstance) {
  app.addHook("preHandler", authenticate);

  app.get<{ Querystring: { status?: string; sort?: string } }>("/", async (request) => {
    const sort = request.query.sort ?? "created_at";
    return prisma.$queryRawUnsafe(`SELECT id, title, status FROM tickets WHERE owner_id = $1 ORDER BY ${sort} LIMIT 100`, request.user!.id);
  });

  app.get<{ Querystring: { status: string } }>("/by-status", async (request) => {
    return prisma.$queryRaw`SELECT id, title, status FROM tickets WHERE owner_id = ${request.user!.id} AND status = ${request.query.status} LIMIT 100`;
  });

  app.post<{ Body: TicketBody }>("/", async (request, reply) => {
    const { title, body, priority } = request.body;
    const ticket = await prisma.ticket.create({ data: { title, body, priority: priority ?? "normal", ownerId: request.user!.id } });
    return reply.status(201).send(ticket);
  });

  app.patch<{ Params: { id: string }; Body: Partial<TicketBody> }>("/:id", async (request) => {
    return prisma.ticket.update({ where: { id: request.params.id }, data: request.body });
  });

  app.put<{ Params: { id: string }; Body: TicketBody }>("/:id", async (request, reply) => {
    const { title, body, priority } = request.body;
    const updated = await prisma.ticket.updateMany({ where: { id: request.params.id, ownerId: request.user!.id }, data: { title, body, priority } });
    if (updated.count === 0) return reply.status(404).send({ error: "not found" });
    return reply.status(204).send();
  });

  app.delete<{ Params: { id: string } }>("/:id", async (request, reply) => {
    await prisma.ticket.delete({ where: { id: request.params.id } });
    return reply.status(204).send();
  });
}
