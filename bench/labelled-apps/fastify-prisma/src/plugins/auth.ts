import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import jwt from "jsonwebtoken";

declare module "fastify" {
  interface FastifyRequest {
    user?: { id: string; role: string };
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? "";
  return header.startsWith("Bearer ") ? header.slice(7) : undefined;
}

/** Used by the ticket routes. */
export async function authenticate(request: FastifyRequest, reply: FastifyReply) {
  const token = bearer(request);
  const claims = token ? jwt.decode(token) : null;
  if (!claims || typeof claims === "string") return reply.status(401).send({ error: "unauthorised" });
  request.user = { id: String(claims.sub), role: String(claims.role) };
}

/** Used by the report routes. */
export async function verifiedUser(request: FastifyRequest, reply: FastifyReply) {
  const token = bearer(request);
  try {
    const claims = jwt.verify(token ?? "", process.env.JWT_PUBLIC_KEY ?? "", { algorithms: ["RS256"], issuer: "tickets" });
    if (typeof claims === "string") throw new Error("bad claims");
    request.user = { id: String(claims.sub), role: String(claims.role) };
  } catch {
    return reply.status(401).send({ error: "unauthorised" });
  }
}

export async function authPlugin(app: FastifyInstance) {
  app.decorateRequest("user", undefined);
}
