// security/sql-injection: request input becomes part of an SQL statement's text.
import type { ArchitectureModel, DataAccess, SourceLocation, TaintFlow } from "../../model/types.ts";
import type { CodeEvidence, Fix, Option, Reference } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";
import { checkSinks, sinksOfKind } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/sql-injection",
  area: "security",
  severity: "critical",
  title: "SQL built from request input",
  rationale:
    "Finds SQL statements whose text is assembled from request input by concatenation or template literals, and " +
    "shows the path the value takes from the request to the query. The database cannot tell the developer's SQL " +
    "from the attacker's: a quote in the input ends the string literal and the rest runs as SQL, which can read " +
    "every table, bypass a login or change data. Bound parameters ($1, ?, :name) send values separately from the " +
    "statement, so no input can change its structure. Raw fragments inside a query builder (knex `whereRaw`, " +
    "`orderByRaw` …) are SQL text too: `String(x)` keeps the text, only `Number()` or a binding removes the risk. " +
    "Statements built from values of unknown origin are asked about rather than asserted.",
  examples: {
    bad: `const { rows } = await pool.query(
  "SELECT * FROM users WHERE email = '" + req.body.email + "'",
);`,
    good: `const { rows } = await pool.query("SELECT * FROM users WHERE email = $1", [req.body.email]);`,
  },
  references: [
    refs.cwe(89, "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')"),
    refs.asvs("1.2.4", "Database queries use parameterized queries or are otherwise protected from injection"),
    refs.top10(2021, 3, "Injection"),
    refs.top10(2025, 5, "Injection"),
    refs.cheatSheet("SQL_Injection_Prevention"),
  ],
};

/**
 * Confidence: a recorded flow from a request input into the statement text is the claim itself
 * (95). The front end saying "request" without a flow is weaker (85). A non-constant part of
 * unknown origin may well be a constant or an allow-listed identifier, so it is a question (50).
 */
const CONFIDENCE = { flow: 95, requestWithoutFlow: 85, unknownOrigin: 50 } as const;

/** Clients whose "query text" is not SQL: injection there is a different weakness and rule. */
const NOT_SQL = new Set(["mongoose", "mongodb"]);

type Placeholders = { style: "dollar" | "question" | "named"; call: (sql: string, params: string[]) => string; doc?: Reference };

const CLIENTS: Record<string, Placeholders> = {
  pg: {
    style: "dollar",
    call: (sql, params) => `await pool.query(${quote(sql)}, [${params.join(", ")}]);`,
    doc: { title: "node-postgres: parameterized query", url: "https://node-postgres.com/features/queries#parameterized-query" },
  },
  mysql2: {
    style: "question",
    call: (sql, params) => `await connection.execute(${quote(sql)}, [${params.join(", ")}]);`,
    doc: { title: "MySQL2: prepared statements", url: "https://sidorares.github.io/node-mysql2/docs/documentation/prepared-statements" },
  },
  sequelize: {
    style: "named",
    call: (sql, params) =>
      `await sequelize.query(${quote(sql)}, { replacements: { ${params.map(namedParam).join(", ")} }, type: QueryTypes.SELECT });`,
    doc: { title: "Sequelize: raw queries with replacements", url: "https://sequelize.org/docs/v6/core-concepts/raw-queries/#replacements" },
  },
  knex: {
    style: "question",
    call: (sql, params) => `await knex.raw(${quote(sql)}, [${params.join(", ")}]);`,
    doc: { title: "Knex: raw parameter binding", url: "https://knexjs.org/guide/raw.html#raw-parameter-binding" },
  },
  sqlite: {
    style: "question",
    call: (sql, params) => `db.prepare(${quote(sql)}).all(${params.join(", ")});`,
    doc: { title: "better-sqlite3: binding parameters", url: "https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#binding-parameters" },
  },
  prisma: {
    style: "dollar",
    call: (sql, params) => `await prisma.$queryRawUnsafe(${quote(sql)}, ${params.join(", ")}); // or the tagged prisma.$queryRaw\`...\``,
    doc: { title: "Prisma: raw queries and SQL injection", url: "https://www.prisma.io/docs/orm/prisma-client/using-raw-sql/raw-queries" },
  },
  typeorm: {
    style: "dollar",
    call: (sql, params) => `await dataSource.query(${quote(sql)}, [${params.join(", ")}]); // placeholders follow the driver: $1 (postgres), ? (mysql)`,
  },
};

const messages = {
  flow: (inputs: string[], where: string) =>
    `Request input ${inputs.map((i) => `\`${i}\``).join(", ")} is concatenated into the text of the SQL statement at ${where}: ` +
    `a quote in the input ends the literal and the rest runs as SQL.`,
  requestWithoutFlow: (where: string) =>
    `The SQL statement at ${where} is built from request input (bka did not record the exact path): input can change the statement.`,
  unknown: (where: string) =>
    `The SQL statement at ${where} is built from a value bka could not trace, and no bound parameters are used.`,
  question: (where: string) =>
    `Can the value interpolated into the SQL at ${where} ever come from a request (directly or stored earlier)? ` +
    `If it is always a constant or an allow-listed identifier, mark it safe in the bka config; otherwise bind it as a parameter.`,
  identifiers:
    "Table and column names, and ASC/DESC, cannot be bound as parameters: map the input through a fixed allow-list instead.",
};

const OPTIONS: Option[] = [
  {
    title: "Bind the values as parameters",
    pros: ["Removes the injection for every value, whatever it contains", "Lets the database reuse the statement's plan"],
    cons: ["Identifiers (table, column, sort direction) cannot be bound and need an allow-list"],
  },
  {
    title: "Use the query builder / ORM method instead of raw SQL",
    pros: ["Parameterised by construction; the query reads as code"],
    cons: ["Complex SQL (window functions, CTEs) may not map cleanly", "Raw escapes such as .literal() reintroduce the risk"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const access of model.dataAccesses) {
    if (NOT_SQL.has(access.client)) continue;
    if (access.interpolation.kind === "request") reportRequestInput(model, ctx, access);
    else if (access.interpolation.kind === "unknown" && !access.parameterised) reportUnknownOrigin(model, ctx, access);
  }
  checkFragments(model, ctx);
}

/**
 * `db("books").whereRaw(\`title ILIKE '%${q}%'\`)`: a fragment spliced into a builder's statement.
 * Fragments of unknown origin are not asked about (builders take column expressions this way).
 */
function checkFragments(model: ArchitectureModel, ctx: RuleContext): void {
  const reported = new Set(model.dataAccesses.filter((a) => a.interpolation.kind === "request").map((a) => `${a.location.file}:${a.location.line}`));
  const fragments = sinksOfKind(model, ["sql-fragment"]).filter((s) => !reported.has(`${s.location.file}:${s.location.line}`));
  checkSinks(meta, fragments, model, ctx, {
    sinkLabel: "SQL fragment built here",
    flowMessage: (inputs, where, api) =>
      `Request input ${inputs.map((i) => `\`${i}\``).join(", ")} is spliced into the SQL fragment of ${api} at ${where}: a quote in the input ends the literal and the rest runs as SQL.`,
    unknownMessage: (where, api) => `The SQL fragment of ${api} at ${where} is built from a value bka could not trace.`,
    question: messages.question,
    remediation: "Put `?` placeholders in the fragment and pass the values as its bindings: `whereRaw(\"title ILIKE ?\", [`%${q}%`])`.",
    askWhenUnknown: () => false,
  });
}

function reportRequestInput(model: ArchitectureModel, ctx: RuleContext, access: DataAccess): void {
  const flows = access.interpolation.flows;
  const where = describeLocation(access.location);
  const confidence = flows.length > 0 ? CONFIDENCE.flow : CONFIDENCE.requestWithoutFlow;
  const fix = parameterisedFix(access, flows);
  ctx.report({
    confidence,
    message: flows.length > 0 ? messages.flow(inputNames(flows), where) : messages.requestWithoutFlow(where),
    location: access.location,
    subject: access.id,
    evidence: flowEvidence(ctx, access, flows),
    references: withClientDoc(access.client),
    remediation: { summary: fix.description, options: OPTIONS, fix },
    ...questionIfAsk(model, confidence, messages.question(where)),
  });
}

function reportUnknownOrigin(model: ArchitectureModel, ctx: RuleContext, access: DataAccess): void {
  const where = describeLocation(access.location);
  const fix = parameterisedFix(access, []);
  ctx.report({
    confidence: CONFIDENCE.unknownOrigin,
    severity: "high",
    message: messages.unknown(where),
    location: access.location,
    subject: access.id,
    evidence: [ctx.codeEvidence(access.location, "query text built here")],
    references: withClientDoc(access.client),
    remediation: { summary: fix.description, options: OPTIONS, fix },
    ...questionIfAsk(model, CONFIDENCE.unknownOrigin, messages.question(where)),
  });
}

/** Source, every step, then the sink — each place once, in flow order. */
function flowEvidence(ctx: RuleContext, access: DataAccess, flows: TaintFlow[]): CodeEvidence[] {
  const seen = new Set<string>();
  const evidence: CodeEvidence[] = [];
  const add = (location: SourceLocation, label: string) => {
    const key = `${location.file}:${location.line}:${location.column}`;
    if (seen.has(key)) return;
    seen.add(key);
    evidence.push(ctx.codeEvidence(location, label));
  };
  const sinkKey = `${access.location.file}:${access.location.line}:${access.location.column}`;
  seen.add(sinkKey); // the sink is added last, even when a step repeats it
  for (const flow of flows) {
    add(flow.source.location, `request input enters here (req.${flow.source.path})`);
    for (const step of flow.steps) add(step, "flows through here");
  }
  evidence.push(ctx.codeEvidence(access.location, "query text built here"));
  return evidence;
}

function inputNames(flows: TaintFlow[]): string[] {
  return [...new Set(flows.map((f) => `req.${f.source.path}`))];
}

function withClientDoc(client: string): Reference[] {
  const doc = CLIENTS[client]?.doc;
  return doc ? [...meta.references, doc] : meta.references;
}

// ---------------------------------------------------------------------------------------------
// The fix: the same statement with placeholders, and the values passed beside it.

/** A quoted literal with one interpolation inside ('%${q}%'), or a bare interpolation (${id}). */
const INTERPOLATION = /(['"])([^'"]*?)\$\{([^}]*)\}([^'"]*?)\1|\$\{([^}]*)\}/g;
/** Positions where SQL expects an identifier or keyword, which cannot be a bound parameter. */
const IDENTIFIER_POSITION = /(\b(FROM|JOIN|INTO|UPDATE|TABLE|ORDER\s+BY|GROUP\s+BY)|\})\s*$/i;

export function parameterisedFix(access: DataAccess, flows: TaintFlow[]): Fix {
  const client = CLIENTS[access.client];
  const base = "Pass request values as bound parameters instead of building the SQL text from them.";
  if (!access.rawSql || !client) return { description: base, location: access.location };
  const { sql, params, identifiers } = toPlaceholders(access.rawSql, client.style, flows);
  const description = identifiers ? `${base} ${messages.identifiers}` : base;
  if (params.length === 0) return { description, location: access.location };
  return { description, location: access.location, replacement: client.call(sql, params) };
}

function toPlaceholders(rawSql: string, style: Placeholders["style"], flows: TaintFlow[]) {
  const params: string[] = [];
  let identifiers = false;
  const sql = rawSql.replace(INTERPOLATION, (whole: string, quoted: string | undefined, before = "", inQuotes = "", after = "", bare = "", offset = 0) => {
    if (!quoted && IDENTIFIER_POSITION.test(rawSql.slice(0, offset))) {
      identifiers = true;
      return whole;
    }
    const value = valueExpression(quoted ? inQuotes : bare, params.length, flows);
    params.push(before || after ? `\`${before}\${${value}}${after}\`` : value);
    return placeholder(style, params.length, value);
  });
  return { sql, params, identifiers };
}

/** The interpolated expression when the front end kept it, else the flow's request input, else a name. */
function valueExpression(expression: string, index: number, flows: TaintFlow[]): string {
  const trimmed = expression.trim();
  if (trimmed && trimmed !== "...") return trimmed;
  const flow = flows[index];
  return flow ? `req.${flow.source.path}` : `value${index + 1}`;
}

function placeholder(style: Placeholders["style"], position: number, value: string): string {
  if (style === "dollar") return `$${position}`;
  if (style === "question") return "?";
  return `:${paramName(value, position)}`;
}

function paramName(value: string, position: number): string {
  const last = /([A-Za-z_$][\w$]*)\W*$/.exec(value.replace(/`/g, ""));
  return last ? last[1] : `p${position}`;
}

function namedParam(value: string, index: number): string {
  const name = paramName(value, index + 1);
  return name === value ? name : `${name}: ${value}`;
}

/** A JavaScript string for the statement: a template literal when it keeps an interpolation or a double quote. */
function quote(sql: string): string {
  return sql.includes('"') || sql.includes("${") ? `\`${sql.replace(/`/g, "\\`")}\`` : `"${sql}"`;
}

export const rule: Rule = { meta, check };
