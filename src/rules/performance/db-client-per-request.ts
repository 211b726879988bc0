// performance/db-client-per-request: a database pool, client or connection created while serving a request.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";
import { endpointList } from "../query-support.ts";
import { callsOnRequestPaths, type ReachedCall } from "../runtime-support.ts";

export const meta: RuleMeta = {
  id: "performance/db-client-per-request",
  area: "performance",
  severity: "high",
  title: "Database client or pool created per request",
  rationale:
    "Finds `new Pool()`, `new PrismaClient()`, `mysql.createPool()`, `mongoose.createConnection()`, `new MongoClient()`, " +
    "`new Sequelize()`, `knex()`, `redis.createClient()` and single connections (`new pg.Client()`, " +
    "`mysql.createConnection()`) made inside a function that a request handler reaches, and not kept in a variable " +
    "outside it. Each request then pays a TCP (and often TLS) handshake and authentication, and a pool made per request " +
    "opens connections that nobody closes: under load the database hits `max_connections` and refuses everyone. One " +
    "pool or client per process, created at startup and shared, is what these libraries are designed for.",
  examples: {
    bad: `app.get("/orders", async (req, res) => {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL }); // a new pool per request
  res.json((await pool.query("SELECT id, total FROM orders LIMIT 50")).rows);
});`,
    good: `const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
app.get("/orders", async (req, res) => {
  res.json((await pool.query("SELECT id, total FROM orders LIMIT 50")).rows);
});`,
  },
  references: [
    refs.cwe(772, "Missing Release of Resource after Effective Lifetime"),
    refs.asvs("13.2.6", "Connections to separate services follow the documented maximum parallel connections and timeouts"),
    { title: "node-postgres: Pooling", url: "https://node-postgres.com/features/pooling" },
    { title: "Prisma: Instantiating Prisma Client", url: "https://www.prisma.io/docs/orm/prisma-client/setup-and-configuration/instantiate-prisma-client" },
  ],
};

/** A pool per request leaks connections: a fact (90). One connection per request works but is slow: a decision (80). */
const CONFIDENCE = { pool: 90, connection: 80 } as const;

const OPTIONS: Option[] = [
  {
    title: "Create one pool (or client) at startup and import it where needed",
    pros: ["Connections are reused; the pool's `max` bounds the load on the database"],
    cons: ["Needs a shutdown hook to close it (`pool.end()`, `prisma.$disconnect()`)"],
  },
  {
    title: "Create it lazily once and keep it (`pool ??= new Pool(config)`)",
    pros: ["No connection until the first request needs one"],
    cons: ["Still one instance per process: configure the pool size for the number of processes"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const reached of callsOnRequestPaths(model, new Set(["db-client"]))) {
    if (!reached.call.stored) report(model, ctx, reached);
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, { call, endpoints }: ReachedCall): void {
  const pooled = call.pooled ?? true;
  const confidence = pooled ? CONFIDENCE.pool : CONFIDENCE.connection;
  const where = describeLocation(call.location);
  const consequence = pooled
    ? "a new pool per request opens connections that are never shared and rarely closed, until the database refuses new ones"
    : "every request opens a new connection (handshake and authentication) instead of reusing one from a pool";
  ctx.report({
    confidence,
    severity: pooled ? "high" : "medium",
    message: `${endpointList(endpoints)} runs ${call.api} at ${where} while serving the request: ${consequence}.`,
    location: call.location,
    subject: call.id,
    evidence: [
      ctx.codeEvidence(call.location, `${call.api} created inside a function the request reaches`),
      ctx.codeEvidence(endpoints[0].location, `reached while serving ${endpointList(endpoints.slice(0, 1))}`),
    ],
    remediation: {
      summary: "Create the pool or client once per process (at startup or lazily into a shared variable) and reuse it in every request.",
      options: OPTIONS,
      fix: { description: `Move ${call.api} to module scope and import the shared instance.`, location: call.location },
    },
    ...questionIfAsk(model, confidence, `Does the code at ${where} run for each request, or only once (a setup route, a script)?`),
  });
}

export const rule: Rule = { meta, check };
