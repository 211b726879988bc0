// security/no-audit-trail: sensitive data changes that leave no record of who made them.
import type { ArchitectureModel, DataAccess, Endpoint } from "../../model/types.ts";
import { WRITE_METHODS } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeEndpoint, questionIfAsk, refs } from "../support.ts";
import { compareText } from "../../model/order.ts";

export const meta: RuleMeta = {
  id: "security/no-audit-trail",
  area: "security",
  severity: "low",
  title: "Sensitive writes leave no audit trail",
  rationale:
    "Asks about write endpoints that change sensitive records (users and their roles or credentials, payments, " +
    "orders, accounts, permissions) while no audit record is written on the way: no insert into an audit, " +
    "activity or history table is reached from the handler. When a role is raised or a refund issued, the " +
    "questions after an incident are who did it, when, and what the value was before; application logs rotate " +
    "and rarely hold the old value. This is a question, not a defect: the trail may live in a database trigger, " +
    "a change-data-capture pipeline or a log shipper bka cannot see.",
  examples: {
    bad: `router.put("/users/:id/role", requireAdmin, async (req, res) => {
  await prisma.user.update({ where: { id: req.params.id }, data: { role: req.body.role } });
  res.sendStatus(204);
});`,
    good: `router.put("/users/:id/role", requireAdmin, async (req, res) => {
  await prisma.$transaction([
    prisma.user.update({ where: { id: req.params.id }, data: { role: req.body.role } }),
    prisma.auditLog.create({ data: { actorId: req.user.id, action: "user.role", targetId: req.params.id, after: req.body.role } }),
  ]);
  res.sendStatus(204);
});`,
  },
  references: [
    refs.cwe(778, "Insufficient Logging"),
    refs.asvs("16.2.1", "Each log entry includes the metadata (when, where, who, what) needed for an investigation"),
    refs.asvs("16.3.3", "The application logs the security events defined in its documentation"),
    refs.cheatSheet("Logging"),
  ],
};

/** Whether a trail is missing or kept elsewhere is for the team to say: a question. */
const CONFIDENCE = 55;
const MAX_EVIDENCE = 8;

/** Records whose changes an investigation asks about. */
const SENSITIVE_ENTITY = /(^|_)(users?|accounts?|roles?|permissions?|payments?|refunds?|orders?|invoices?|transactions?|transfers?|wallets?|cards?|credentials?|api_?keys?|subscriptions?|tenants?|members?|memberships?)$/i;
/** Tables that are the trail. */
const AUDIT_ENTITY = /(audit|activit(y|ies)|event_?logs?|histor(y|ies)|journal|changelog|change_?logs?)/i;
const WRITES: readonly DataAccess["operation"][] = ["insert", "update", "delete", "upsert"];

const OPTIONS: Option[] = [
  {
    title: "An append-only audit table written in the same transaction as the change",
    pros: ["The trail commits or rolls back with the change", "Queryable: who changed this row, and from what"],
    cons: ["One more insert per sensitive write; the table needs a retention policy"],
  },
  {
    title: "Database triggers or change-data capture (pgaudit, logical replication to a log store)",
    pros: ["Catches every change, including ones made outside the application"],
    cons: ["Knows the database user, not the end user, unless the application sets it per transaction"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const accesses = new Map(model.dataAccesses.map((d) => [d.id, d]));
  const byService = new Map<string, { endpoint: Endpoint; entities: string[] }[]>();
  for (const endpoint of model.endpoints) {
    if (!WRITE_METHODS.includes(endpoint.method)) continue;
    const handler = model.handlers.find((h) => h.id === endpoint.handlerId);
    if (!handler) continue;
    const writes = handler.dataAccessIds.map((id) => accesses.get(id)).filter((d): d is DataAccess => !!d && WRITES.includes(d.operation) && !!d.entity);
    if (writes.some((w) => AUDIT_ENTITY.test(w.entity!))) continue;
    const sensitive = [...new Set(writes.map((w) => w.entity!).filter((e) => SENSITIVE_ENTITY.test(e)))].sort();
    if (sensitive.length) byService.set(endpoint.serviceId, [...(byService.get(endpoint.serviceId) ?? []), { endpoint, entities: sensitive }]);
  }
  for (const [serviceId, writes] of [...byService].sort(([a], [b]) => compareText(a, b))) report(model, ctx, serviceId, writes);
}

function report(model: ArchitectureModel, ctx: RuleContext, serviceId: string, writes: { endpoint: Endpoint; entities: string[] }[]): void {
  const sorted = [...writes].sort((a, b) => byLocation(a.endpoint.location, b.endpoint.location));
  const tables = [...new Set(sorted.flatMap((w) => w.entities))].sort();
  const count = sorted.length;
  ctx.report({
    confidence: CONFIDENCE,
    message: `${count} write endpoint${count === 1 ? "" : "s"} of ${serviceId} change${count === 1 ? "s" : ""} ${tables.join(", ")} without writing an audit record: nothing would show who made a change, when, or what the value was before.`,
    location: sorted[0].endpoint.location,
    subject: `service ${serviceId}`,
    occurrences: count,
    evidence: sorted.slice(0, MAX_EVIDENCE).map(({ endpoint, entities }) => ctx.codeEvidence(endpoint.location, `${describeEndpoint(endpoint)} writes ${entities.join(", ")}`)),
    remediation: { summary: `Record who changed ${tables.join(", ")}, when and from what value, in a trail the application cannot rewrite.`, options: OPTIONS },
    ...questionIfAsk(model, CONFIDENCE, `Where is the audit trail for changes to ${tables.join(", ")} in ${serviceId} (a trigger, CDC, a log pipeline)? If there is none, is one required (compliance, disputes, incident response)?`),
  });
}

export const rule: Rule = { meta, check };
