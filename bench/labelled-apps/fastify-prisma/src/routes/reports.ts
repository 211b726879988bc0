import type { FastifyInstance } from "fastify";
import fs from "node:fs";
import { PrismaClient } from "@prisma/client";
import { verifiedUser } from "../plugins/auth.js";

const REPORT_TEMPLATE = fs.readFileSync(new URL("../templates/report.html", import.meta.url), "utf8");

export async function reportRoutes(app: FastifyInstance) {
  app.addHook("preHandler", verifiedUser);

  app.get<{ Params: { name: string } }>("/templates/:name", async (request, reply) => {
    const names = fs.readdirSync("templates");
    if (!names.includes(request.params.name)) return reply.status(404).send();
    return reply.type("text/html").send(fs.readFileSync(`templates/${request.params.name}`, "utf8"));
  });

  app.get("/summary", async (request, reply) => {
    const db = new PrismaClient();
    const counts = await db.ticket.groupBy({ by: ["status"], _count: true });
    await db.$disconnect();
    return reply.type("text/html").send(REPORT_TEMPLATE.replace("{{counts}}", JSON.stringify(counts)));
  });

  app.get("/export", async (request) => {
    try {
      const rows = await fs.promises.readFile("exports/latest.csv", "utf8");
      return { rows: rows.split("\n").length };
    } catch (err) {
      request.log.warn({ err }, "no export yet");
      throw err;
    }
  });
}
