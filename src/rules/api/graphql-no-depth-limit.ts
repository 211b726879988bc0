// api/graphql-no-depth-limit: a GraphQL server that accepts queries of any depth and cost.
import type { ArchitectureModel, GraphqlServer } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "api/graphql-no-depth-limit",
  area: "api",
  severity: "medium",
  title: "GraphQL server without a query depth or complexity limit",
  rationale:
    "Finds GraphQL servers (Apollo Server, GraphQL Yoga, Mercurius, NestJS GraphQL) configured without a query depth " +
    "limit or a complexity (cost) limit: no graphql-depth-limit or graphql-query-complexity validation rule, no " +
    "GraphQL Armor preset, no Envelop useDepthLimit plugin, no Mercurius queryDepth. GraphQL lets the client shape " +
    "the query: as soon as two types refer to each other (an article has an author, an author has articles), one " +
    "small request can nest them a hundred levels deep and make the server resolve millions of fields. The server " +
    "spends CPU, memory and database queries in proportion to what the client asks for, so a single anonymous " +
    "request can exhaust it. A depth limit (and, better, a cost limit) rejects such queries before any resolver runs.",
  examples: {
    bad: `const server = new ApolloServer({ typeDefs, resolvers });`,
    good: `import depthLimit from "graphql-depth-limit";

const server = new ApolloServer({ typeDefs, resolvers, validationRules: [depthLimit(8)] });`,
  },
  references: [
    refs.cwe(770, "Allocation of Resources Without Limits or Throttling"),
    refs.cwe(400, "Uncontrolled Resource Consumption"),
    refs.asvs("4.3.1", "Query allowlist, depth limiting, amount limiting or query cost analysis prevents GraphQL DoS"),
    refs.apiTop10(4),
    refs.cheatSheet("GraphQL"),
    { title: "graphql-depth-limit", url: "https://www.npmjs.com/package/graphql-depth-limit" },
    { title: "GraphQL Armor: security middleware for Apollo, Yoga and Envelop", url: "https://www.npmjs.com/package/@escape.tech/graphql-armor" },
  ],
};

/**
 * bka recognises the common limit libraries; a limit enforced elsewhere (a gateway, persisted
 * queries only, a hand-written validation rule) is invisible to it, hence a decision, not a fact.
 */
const CONFIDENCE = 85;

const OPTIONS: Option[] = [
  {
    title: "Add a depth limit (graphql-depth-limit, Envelop useDepthLimit, Mercurius queryDepth)",
    pros: ["One line; stops recursive and deeply nested queries before execution", "Easy to reason about: pick the deepest legitimate query plus a margin"],
    cons: ["Does not bound wide queries (many aliases or large lists at a shallow depth)"],
  },
  {
    title: "Add a cost limit (graphql-query-complexity) or GraphQL Armor, which sets depth, cost, alias and token limits",
    pros: ["Bounds the total work of a query, wide or deep", "Armor applies sensible defaults in one step"],
    cons: ["Costs must be tuned per field (list sizes, expensive resolvers)", "More configuration to review"],
  },
  {
    title: "Accept only persisted (allow-listed) queries in production",
    pros: ["Clients can only run queries the team shipped"],
    cons: ["Every client must register its queries; not suitable for public APIs"],
  },
];

const messages = {
  found: (server: GraphqlServer) =>
    `The GraphQL server at ${server.path} (${server.library}, ${describeLocation(server.location)}) sets no query depth or complexity limit: ` +
    `a client can nest ${server.operations.length ? "its types" : "fields"} as deep as the schema allows in a single request.`,
  fix: (server: GraphqlServer) => (server.library === "mercurius" ? "Set `queryDepth` in the Mercurius options (e.g. `queryDepth: 8`)." : "Add `depthLimit(8)` (graphql-depth-limit) to `validationRules`, or a cost limit."),
  question: (server: GraphqlServer) =>
    `Is the GraphQL server at ${server.path} protected against deep queries somewhere bka cannot see (a gateway, persisted queries)? If yes, say so in the bka config.`,
};

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const server of model.graphql?.servers ?? []) {
    if (server.depthLimit || server.complexityLimit) continue;
    ctx.report({
      confidence: CONFIDENCE,
      message: messages.found(server),
      location: server.location,
      subject: `graphql server ${server.path}`,
      evidence: [ctx.codeEvidence(server.location, "GraphQL server created without a depth or complexity limit")],
      remediation: { summary: messages.fix(server), options: OPTIONS },
      ...questionIfAsk(model, CONFIDENCE, messages.question(server)),
    });
  }
}

export const rule: Rule = { meta, check };
