import type { FastifyInstance } from "fastify";
import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { prisma } from "../db.js";

const SESSION_HOURS = 8;

export async function sessionRoutes(app: FastifyInstance) {
  app.post<{ Body: { email: string; password: string } }>(
    "/",
    { config: { rateLimit: { max: 5, timeWindow: "1 minute" } } },
    async (request, reply) => {
      const user = await prisma.user.findUnique({ where: { email: request.body.email } });
      if (!user) return reply.status(401).send({ error: "invalid credentials" });
      const hash = crypto.scryptSync(request.body.password, user.salt, 64).toString("hex");
      if (!crypto.timingSafeEqual(Buffer.from(hash, "hex"), Buffer.from(user.passwordHash, "hex"))) {
        return reply.status(401).send({ error: "invalid credentials" });
      }
      const token = jwt.sign({ sub: user.id, role: user.role }, process.env.JWT_PRIVATE_KEY ?? "", { algorithm: "RS256", expiresIn: `${SESSION_HOURS}h` });
      return { token };
    },
  );
}
