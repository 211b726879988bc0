// security/missing-authorization: a signed-in caller picks a record by its id and the query never
// asks whether the record is theirs (IDOR / broken object-level authorization).
import type { ArchitectureModel, Endpoint, Entity, RecordAccess } from "../../model/types.ts";
import type { CodeEvidence, Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeEndpoint, describeLocation, groupByService, questionIfAsk, refs, unique } from "../support.ts";
import { flowEvidence } from "../sink-support.ts";
import { OWNER_COLUMN } from "../../ingest/code/record-access.ts";
import { pluralize, snakeCase } from "../../ingest/data/js-values.ts";
import { addToList } from "../../ingest/code/values.ts";

export const meta: RuleMeta = {
  id: "security/missing-authorization",
  area: "security",
  severity: "high",
  title: "Record chosen by the client without an ownership check",
  rationale:
    "Finds authenticated endpoints that load, update or delete a record by an id taken from the request (path, " +
    "body or query) while nothing ties the record to the caller: no owner or tenant column (userId, ownerId, " +
    "tenantId…) compared with the caller's identity in the query, and no check of the loaded record's owner " +
    "before it is written. Authentication only says who the caller is; without this check any signed-in user " +
    "reads or changes anyone's order, review or account by changing a number in the request (IDOR, broken " +
    "object-level authorization). Admin-only routes (a role check) and reads of data that has no owner are not " +
    "reported.",
  examples: {
    bad: `router.put("/orders/:id", requireAuth, async (req, res) => {
  await Order.update(req.body, { where: { id: req.params.id } });
});`,
    good: `router.put("/orders/:id", requireAuth, async (req, res) => {
  const [count] = await Order.update(input, { where: { id: req.params.id, userId: req.user.id } });
  if (count === 0) return res.sendStatus(404);
});`,
  },
  references: [
    refs.cwe(639, "Authorization Bypass Through User-Controlled Key"),
    refs.cwe(862, "Missing Authorization"),
    refs.asvs("8.2.2", "Data-specific access is restricted to consumers with explicit permissions to specific data items (IDOR, BOLA)"),
    refs.apiTop10(1),
    refs.top10(2021, 1, "Broken Access Control"),
    refs.cheatSheet("Insecure_Direct_Object_Reference_Prevention"),
  ],
};

/**
 * Confidence:
 * - a write to a record of a table with an owner column (or to a user account) by a client-chosen id: a fact;
 * - a write to a collection bka has no schema for, in a handler that reads who the caller is and does not use it: a fact;
 * - the same without the caller's identity read anywhere: the data may be shared, so a decision;
 * - a read of an owned record by a client-chosen id: a decision (some records are meant to be shared by link).
 */
const CONFIDENCE = { ownedWrite: 93, identityKnownWrite: 92, unschemaedWrite: 75, ownedRead: 80 } as const;

/** Request parts a client chooses freely (headers and cookies carry the credential itself). */
const CLIENT_INPUTS = new Set(["params", "body", "query"]);
const USER_TABLE = /^(users?|accounts?|members?|profiles?|customers?)$/i;

const messages = {
  write: (routes: string, verb: string, record: string, inputs: string) =>
    `${routes} ${verb} ${record} chosen by ${inputs} without checking that it belongs to the caller: any signed-in user can ${verb === "deletes" ? "delete" : "change"} anyone's.`,
  read: (routes: string, several: boolean, record: string, inputs: string) =>
    `${routes} ${several ? "load" : "loads"} ${record} chosen by ${inputs} without checking that it belongs to the caller: any signed-in user can read anyone's.`,
  question: (routes: string, record: string) =>
    `May any signed-in caller of ${routes} act on every ${record}, or only on their own? If only their own, scope the query to the caller.`,
};

const OPTIONS: Option[] = [
  {
    title: "Put the owner in the query (`where: { id, userId: caller.id }`) and answer 404 when nothing matches",
    pros: ["One query; the check cannot be forgotten between load and write", "404 does not reveal that the record exists"],
    cons: ["Every query on the table must remember the owner column (a scoped repository helps)"],
  },
  {
    title: "Load the record, compare its owner with the caller, then write (403 otherwise)",
    pros: ["Room for richer rules (shared records, team roles)"],
    cons: ["Two queries, and a race between check and write unless both run in one transaction"],
  },
  {
    title: "A central policy layer (CASL, Casbin, a service-level `authorize(caller, action, record)`)",
    pros: ["One place to read and test every access rule"],
    cons: ["A new dependency and a pattern every handler must follow"],
  },
];

interface Verdict {
  confidence: number;
  write: boolean;
}

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const roleGuards = new Set(model.roleGuards ?? []);
  const reads: Judged[] = [];
  for (const access of model.recordAccesses ?? []) {
    const endpoints = uniqueRoutes(model.endpoints.filter((e) => e.handlerId && access.handlerIds.includes(e.handlerId) && isUserFacing(e, roleGuards)));
    const judged = endpoints.flatMap((endpoint) => {
      const verdict = judge(model, access, endpoint);
      return verdict ? [{ endpoint, verdict }] : [];
    });
    if (!judged.length) continue;
    const strongest = judged.reduce((a, b) => (b.verdict.confidence > a.verdict.confidence ? b : a));
    const item = { access, endpoints: judged.map((j) => j.endpoint), verdict: strongest.verdict, noun: access.entity ?? entityOfAccess(model, access)?.name ?? "record" };
    if (item.verdict.write) report(model, ctx, item);
    else reads.push(item);
  }
  // Whether a table's records may be read by anyone who has the id (shared by link) is one decision
  // per table: its unscoped reads in a service are one finding.
  for (const [, group] of groupByService(model, reads.map((r) => ({ ...r, location: r.access.location })))) {
    const byNoun = new Map<string, Judged[]>();
    for (const read of group) addToList(byNoun, read.noun, read);
    for (const sameTable of byNoun.values()) report(model, ctx, ...sameTable);
  }
}

interface Judged {
  access: RecordAccess;
  endpoints: Endpoint[];
  verdict: Verdict;
  noun: string;
}

/** One access, or several unscoped reads of the same table (the first is the finding's place). */
function report(model: ArchitectureModel, ctx: RuleContext, ...items: Judged[]): void {
  const [{ access, verdict, noun }] = items;
  const endpoints = uniqueRoutes(items.flatMap((i) => i.endpoints));
  const routes = endpoints.map(describeEndpoint).join(" and ");
  const flows = items.flatMap((i) => clientFlows(i.access));
  const inputs = unique(flows.map((f) => `req.${f.source.path}`)).join(", ");
  const record = entityOfAccess(model, access) ? `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}` : `a record in ${noun}`;
  const verb = access.operation === "delete" ? "deletes" : "updates";
  const message = verdict.write ? messages.write(routes, verb, record, inputs) : messages.read(routes, endpoints.length > 1, record, inputs);
  const evidence: CodeEvidence[] = items.flatMap((item) => accessEvidence(ctx, item));
  const places = items.map((i) => describeLocation(i.access.location)).join(", ");
  const summary = `Scope ${places} to the caller: add the owner column compared with the caller's id to the query, or compare the loaded record's owner with the caller before ${verdict.write ? "writing" : "answering"} (404/403 otherwise).`;
  const confidence = Math.max(...items.map((i) => i.verdict.confidence));
  ctx.report({
    confidence,
    severity: verdict.write ? "high" : "medium",
    message,
    location: access.location,
    subject: `${access.id} ${access.api}`,
    ...(items.length > 1 ? { occurrences: items.length } : {}),
    evidence,
    remediation: { summary, options: OPTIONS },
    ...questionIfAsk(model, confidence, messages.question(routes, noun)),
  });
}

function accessEvidence(ctx: RuleContext, { access, verdict }: Judged): CodeEvidence[] {
  const evidence = flowEvidence(ctx, access.location, clientFlows(access), verdict.write && !access.writtenAt ? "record written here, chosen by the client" : "record loaded here, chosen by the client");
  if (access.writtenAt) evidence.push(ctx.codeEvidence(access.writtenAt, "the loaded record is written here"));
  if (access.callerIdentityAt) evidence.push(ctx.codeEvidence(access.callerIdentityAt, "the caller's identity is known here, but the query does not use it"));
  return evidence;
}

function judge(model: ArchitectureModel, access: RecordAccess, endpoint: Endpoint): Verdict | undefined {
  if (access.ownerColumns.length || access.ownershipCheckAt || access.writesCallerIdentityAt) return undefined;
  if (!clientFlows(access).length) return undefined;
  // An identifying middleware proves nothing unless the handler reads who the caller is.
  if (endpoint.auth.state !== "required" && !(endpoint.auth.state === "optional" && access.callerIdentityAt)) return undefined;
  const write = access.operation !== "select";
  const entity = entityOfAccess(model, access);
  if (!entity) {
    if (!write) return undefined;
    return { confidence: access.callerIdentityAt ? CONFIDENCE.identityKnownWrite : CONFIDENCE.unschemaedWrite, write };
  }
  // A table without an owner (products, delivery methods) is shared data: not an object-level question.
  if (!isOwned(entity, access)) return undefined;
  return { confidence: write ? CONFIDENCE.ownedWrite : CONFIDENCE.ownedRead, write };
}

function clientFlows(access: RecordAccess) {
  return access.selectors.flatMap((s) => s.flows).filter((f) => CLIENT_INPUTS.has(f.source.kind));
}

/** Rows of a table with an owner or tenant column, or accounts themselves picked by their key. */
function isOwned(entity: Entity, access: RecordAccess): boolean {
  if (entity.columns.some((c) => OWNER_COLUMN.test(c.name))) return true;
  const keys = entity.primaryKey.length ? entity.primaryKey : ["id"];
  return USER_TABLE.test(entity.name) && access.selectors.some((s) => keys.includes(s.column));
}

/** A route an ordinary signed-in user reaches: not guarded by a role check (admin-only). */
function isUserFacing(endpoint: Endpoint, roleGuards: ReadonlySet<string>): boolean {
  if (endpoint.handlerId && roleGuards.has(endpoint.handlerId)) return false;
  return !endpoint.middleware.some((m) => m.definedAt && roleGuards.has(`${m.definedAt.file}:${m.definedAt.line}:${m.definedAt.column}`));
}

/** The same route registered twice (Juice Shop mounts some routers twice) is listed once. */
function uniqueRoutes(endpoints: Endpoint[]): Endpoint[] {
  const seen = new Set<string>();
  return [...endpoints].sort((a, b) => byLocation(a.location, b.location)).filter((e) => {
    const key = describeEndpoint(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function entityOfAccess(model: ArchitectureModel, access: RecordAccess): Entity | undefined {
  const linked = access.dataAccessId ? model.dataAccesses.find((d) => d.id === access.dataAccessId)?.entity : undefined;
  return entityNamed(model, linked ?? access.entity);
}

/** The entity a name in code stands for: `User` → the `Users` table, `orderItem` → `order_items`. */
export function entityNamed(model: ArchitectureModel, name: string | undefined): Entity | undefined {
  if (!name) return undefined;
  const byName = new Map(model.entities.map((e) => [e.name.toLowerCase(), e]));
  const base = name.replace(/Model$/, "");
  for (const candidate of [name, base, snakeCase(base), pluralize(snakeCase(base)), pluralize(base)]) {
    const entity = byName.get(candidate.toLowerCase());
    if (entity) return entity;
  }
  return undefined;
}

export const rule: Rule = { meta, check };
