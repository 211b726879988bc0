// security/nosql-injection: request input becomes a NoSQL `$where` program or a query document.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { checkSinks, sinksOfKind } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/nosql-injection",
  area: "security",
  severity: "critical",
  title: "NoSQL query built from request input",
  rationale:
    "Finds MongoDB-style queries where request input becomes a `$where` JavaScript expression, or where a value taken " +
    "as-is from a JSON body or query string is used as a filter field (or a whole request object as the filter). A " +
    "`$where` string runs as JavaScript in the database, so a quote in the input rewrites the condition or stalls the " +
    "server. JSON bodies and `qs` query strings can carry objects: `{ \"id\": { \"$ne\": null } }` turns an equality " +
    "into \"match everything\", which bypasses logins and updates every document. Only document-database clients " +
    "(mongodb, mongoose, MarsDB, NeDB) read filters this way: SQL query builders and ORMs (knex `where({ email })`, " +
    "TypeORM, Sequelize, Prisma) bind the value. Values of unknown origin in a `$where` are asked about.",
  examples: {
    bad: `await reviews.find({ $where: "this.product == " + req.params.id });
await reviews.updateOne({ _id: req.body.id }, { $set: { text: req.body.text } });`,
    good: `await reviews.find({ product: Number(req.params.id) });
await reviews.updateOne({ _id: String(req.body.id) }, { $set: { text: req.body.text } });`,
  },
  references: [
    refs.cwe(943, "Improper Neutralization of Special Elements in Data Query Logic"),
    refs.asvs("1.2.4", "Database queries use parameterized queries or are otherwise protected from injection"),
    refs.top10(2021, 3, "Injection"),
    refs.cheatSheet("Injection_Prevention"),
  ],
};

function check(model: ArchitectureModel, ctx: RuleContext): void {
  checkSinks(meta, sinksOfKind(model, ["nosql"]), model, ctx, {
    sinkLabel: "query document built here",
    flowMessage: (inputs, where, api) => `${inputs.join(", ")} reaches the NoSQL query (${api}) at ${where}: the client can change what it matches.`,
    unknownMessage: (where, api) => `The NoSQL query (${api}) at ${where} is built from a value bka could not trace.`,
    question: (where) => `Can a client influence the \`$where\` expression at ${where}?`,
    remediation: "Never build `$where` from input; query by fields. Coerce filter values to the expected type (String(), Number()) or validate them with a schema so objects like { $ne: null } are rejected.",
    askWhenUnknown: (sink) => sink.api === "$where",
  });
}

export const rule: Rule = { meta, check };
