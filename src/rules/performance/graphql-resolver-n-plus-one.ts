// performance/graphql-resolver-n-plus-one: a field resolver on a list item that queries per item.
import type { ArchitectureModel, GraphqlFieldResolver } from "../../model/types.ts";
import type { CodeEvidence, Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { questionIfAsk, refs } from "../support.ts";

export const meta: RuleMeta = {
  id: "performance/graphql-resolver-n-plus-one",
  area: "performance",
  severity: "medium",
  title: "GraphQL field resolver queries once per list item (N+1)",
  rationale:
    "Finds resolvers of object fields (`Article.author`) whose parent type is returned in a list (`Query.articles: " +
    "[Article]`) and that run a database query each time they are called — an ORM lookup such as findByPk, " +
    "findUnique or findOne, or raw SQL, directly or through a helper — without a DataLoader. GraphQL calls the " +
    "resolver once per item, so a page of 100 articles with their authors makes 1 + 100 queries, and every nested " +
    "list multiplies again. Latency grows with the page size and the database absorbs the load. A DataLoader created " +
    "per request collects the keys requested in one tick and loads them with a single query.",
  examples: {
    bad: `const resolvers = {
  Query: { articles: () => db.article.findMany() },
  Article: { author: (article) => db.user.findByPk(article.authorId) }, // one query per article
};`,
    good: `// context: ({ req }) => ({ loaders: { user: new DataLoader((ids) => usersByIds(ids)) } })
const resolvers = {
  Query: { articles: () => db.article.findMany() },
  Article: { author: (article, _args, { loaders }) => loaders.user.load(article.authorId) },
};`,
  },
  references: [
    refs.cwe(1073, "Non-SQL Invokable Control Element with Excessive Number of Data Resource Accesses"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to resource-demanding functionality"),
    refs.cheatSheet("GraphQL"),
    { title: "DataLoader (graphql/dataloader)", url: "https://github.com/graphql/dataloader" },
    { title: "GraphQL.org: Performance (the N+1 problem and DataLoader)", url: "https://graphql.org/learn/performance/" },
  ],
};

/**
 * A lookup written in the resolver itself is plainly per item (85); one reached through a helper
 * may hit a cache bka cannot see (80). Both are decisions: small, bounded lists can make N+1 acceptable.
 */
const CONFIDENCE = { direct: 85, throughHelper: 80 } as const;

const OPTIONS: Option[] = [
  {
    title: "Load through a DataLoader created per request",
    pros: ["One query per list level, whatever the page size", "Also de-duplicates repeated keys within the request"],
    cons: ["Needs a batch function (`WHERE id = ANY($1)`) that returns rows in key order", "Loaders must be created per request, never shared"],
  },
  {
    title: "Fetch the relation with the list (JOIN / include in the parent resolver)",
    pros: ["No extra machinery; one query"],
    cons: ["Loads the relation even when the query does not ask for it", "Couples the parent resolver to its children"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const resolver of model.graphql?.fieldResolvers ?? []) {
    if (resolver.batched || !resolver.listParents.length || !resolver.dataAccesses.length) continue;
    const [access] = resolver.dataAccesses;
    const confidence = access.via ? CONFIDENCE.throughHelper : CONFIDENCE.direct;
    const parent = resolver.listParents[0];
    const type = resolver.field.split(".")[0];
    ctx.report({
      confidence,
      message:
        `${resolver.field} runs once for every ${type} in ${listed(resolver.listParents.map((p) => p.field))} and queries the database each time ` +
        `(${access.call}${access.via ? ", through a helper" : ""}): a list of N items costs N + 1 queries.`,
      location: access.via ?? access.location,
      subject: resolver.field,
      evidence: evidenceOf(ctx, resolver),
      remediation: { summary: `Load ${resolver.field} through a per-request DataLoader keyed by the parent's id, or fetch it with ${parent.field}.`, options: OPTIONS },
      ...questionIfAsk(model, confidence, `Are the lists in ${parent.field} small and bounded enough that one query per ${type} is acceptable?`),
    });
  }
}

function listed(items: string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}` : items.join("");
}

function evidenceOf(ctx: RuleContext, resolver: GraphqlFieldResolver): CodeEvidence[] {
  const [access] = resolver.dataAccesses;
  const evidence = access.via
    ? [ctx.codeEvidence(access.via, `${resolver.field} calls a helper for each item`), ctx.codeEvidence(access.location, "which queries the database here")]
    : [ctx.codeEvidence(access.location, `${resolver.field} queries the database for each item`)];
  const parent = resolver.listParents.find((p) => p.location);
  if (parent?.location) evidence.push(ctx.codeEvidence(parent.location, `${parent.field} returns a list of ${resolver.field.split(".")[0]}`));
  return evidence;
}

export const rule: Rule = { meta, check };
