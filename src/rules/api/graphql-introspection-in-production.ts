// api/graphql-introspection-in-production: a GraphQL server that describes its whole schema to anyone in production.
import type { ArchitectureModel, SourceLocation } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "api/graphql-introspection-in-production",
  area: "api",
  severity: "low",
  title: "GraphQL introspection enabled in production",
  rationale:
    "Finds GraphQL servers that answer introspection queries in production: Apollo Server with `introspection: true` " +
    "(its default turns introspection off when NODE_ENV is production), GraphQL Yoga and Mercurius, which keep it on " +
    "in every environment unless a plugin or validation rule blocks it, and Mercurius with `graphiql: true`. " +
    "Introspection returns every type, field, argument and mutation, including internal and admin operations that no " +
    "client uses, so an attacker does not have to guess where to look for the resolver that forgot its " +
    "authorization check. It is a developer tool: keep it for development, or for APIs that are public by design.",
  examples: {
    bad: `new ApolloServer({ typeDefs, resolvers, introspection: true });`,
    good: `new ApolloServer({ typeDefs, resolvers, introspection: process.env.NODE_ENV !== "production" });`,
  },
  references: [
    refs.cwe(200, "Exposure of Sensitive Information to an Unauthorized Actor"),
    refs.asvs("4.3.2", "GraphQL introspection queries are disabled in production unless the API is meant for other parties"),
    refs.cheatSheet("GraphQL"),
    { title: "Apollo Server: the introspection option", url: "https://www.apollographql.com/docs/apollo-server/api/apollo-server#introspection" },
    { title: "Apollo: Why you should disable GraphQL introspection in production", url: "https://www.apollographql.com/blog/graphql/security/why-you-should-disable-graphql-introspection-in-production/" },
    { title: "GraphQL Yoga: introspection", url: "https://the-guild.dev/graphql/yoga-server/docs/features/introspection" },
  ],
};

/**
 * `introspection: true` states it outright (92). A library default that keeps it on is a fact about
 * the library, but public APIs keep it on by choice (80). An expression bka cannot evaluate is a question.
 */
const CONFIDENCE = { explicit: 92, libraryDefault: 80, unknown: 55 } as const;

const OPTIONS: Option[] = [
  {
    title: "Disable introspection in production only",
    pros: ["Developers keep schema tooling locally and in staging", "One line in the server options"],
    cons: ["Tools that fetch the schema at run time in production (some gateways, IDEs) need the schema file instead"],
  },
  {
    title: "Keep it on, but only for authenticated staff (an introspection plugin that checks the caller)",
    pros: ["Internal tools keep working against production"],
    cons: ["More code to maintain; the check itself must be right"],
  },
  {
    title: "Keep it on because the API is public and documented",
    pros: ["Third-party clients can generate code from the live schema"],
    cons: ["Every field is discoverable: internal fields must not exist in the public schema"],
  },
];

const FIX: Record<string, string> = {
  "graphql-yoga": "Add `useDisableIntrospection()` (@graphql-yoga/plugin-disable-introspection) to the Yoga plugins in production.",
  mercurius: "Set `graphiql: false` in production and add graphql's `NoSchemaIntrospectionCustomRule` to `validationRules`.",
};
const APOLLO_FIX = "Set `introspection: process.env.NODE_ENV !== \"production\"` (or remove the option: Apollo Server's default does that).";

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const server of model.graphql?.servers ?? []) {
    const { state, reason, location } = server.introspection;
    if (state !== "always" && state !== "unknown") continue;
    const atServer = sameLocation(location, server.location);
    const explicit = state === "always" && !atServer;
    const confidence = state === "unknown" ? CONFIDENCE.unknown : explicit ? CONFIDENCE.explicit : CONFIDENCE.libraryDefault;
    const where = `${server.path} (${server.library}, ${describeLocation(server.location)})`;
    const evidence = [ctx.codeEvidence(location, state === "unknown" ? "introspection set here" : "introspection enabled here")];
    if (!atServer) evidence.push(ctx.codeEvidence(server.location, "GraphQL server created here"));
    ctx.report({
      confidence,
      message: state === "unknown" ? `bka could not tell whether the GraphQL server at ${where} serves introspection in production: ${reason}.` : `The GraphQL server at ${where} answers introspection queries in production: ${reason}.`,
      location,
      subject: `graphql introspection ${server.path}`,
      evidence,
      remediation: { summary: FIX[server.library] ?? APOLLO_FIX, options: OPTIONS },
      ...questionIfAsk(model, confidence, `Should the GraphQL schema at ${server.path} be discoverable by anyone in production? If the API is public by design, say so in the bka config.`),
    });
  }
}

/** An option written in the server call has its own line; a library default points at the server itself. */
function sameLocation(a: SourceLocation, b: SourceLocation): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}

export const rule: Rule = { meta, check };
