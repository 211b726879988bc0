// reliability/async-handler-without-catch: an Express 4 async handler whose rejection nobody catches.
import type { ArchitectureModel, AsyncRequestFunction, Endpoint } from "../../model/types.ts";
import type { CodeEvidence, Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeEndpoint, describeLocation, questionIfAsk, refs } from "../support.ts";
import { declaredMajor } from "../service-support.ts";

export const meta: RuleMeta = {
  id: "reliability/async-handler-without-catch",
  area: "reliability",
  severity: "high",
  title: "Async Express handler can reject with nobody to catch it",
  rationale:
    "Finds async route handlers and middleware in Express 4 services with an `await` or `throw` outside any try/catch " +
    "and no wrapper that forwards the rejection (express-async-errors, express-async-handler, a project " +
    "`asyncHandler(fn)` that calls `.catch(next)`). Express 4 catches errors thrown synchronously but ignores the promise " +
    "an async handler returns: when it rejects, the error handler never runs, the client waits until its own timeout, " +
    "and Node reports an unhandled rejection — which since Node 15 terminates the process by default. Express 5 passes " +
    "rejected promises to `next(err)` itself, so bka reads the Express version the service's package.json declares.",
  examples: {
    bad: `app.get("/orders/:id", async (req, res) => {
  const order = await db.findOrder(req.params.id); // a rejection escapes Express 4
  res.json(order);
});`,
    good: `const asyncHandler = (fn) => (req, res, next) => Promise.resolve(fn(req, res, next)).catch(next);

app.get("/orders/:id", asyncHandler(async (req, res) => {
  res.json(await db.findOrder(req.params.id));
}));`,
  },
  references: [
    refs.cwe(248, "Uncaught Exception"),
    refs.asvs("16.5.4", "A last-resort error handler catches all unhandled exceptions"),
    refs.asvs("16.5.3", "The application fails gracefully and securely, including when an exception occurs"),
    { title: "Express: Error handling (asynchronous errors in Express 4 and 5)", url: "https://expressjs.com/en/guide/error-handling.html" },
    { title: "Node.js CLI: --unhandled-rejections (default: throw)", url: "https://nodejs.org/api/cli.html#--unhandled-rejectionsmode" },
  ],
};

/**
 * Confidence: an explicit `throw` in an async handler of a declared Express 4 service always
 * rejects the promise (90). An `await` rejects only when what it waits for fails (85). When the
 * Express version is not declared, Express 5 may already catch it (65).
 */
const CONFIDENCE = { throwInExpress4: 90, awaitInExpress4: 85, unknownVersion: 65 } as const;

/** Packages that make Express forward rejected promises for every route. */
const PATCHING_PACKAGES = ["express-async-errors", "express-promise-router", "@awaitjs/express", "express-async-router"];

const messages = {
  finding: (what: string, where: string, routes: string, version: string) =>
    `${what} at ${where}${routes} can reject outside any try/catch, and ${version} does not catch rejected promises: the request hangs and Node reports an unhandled rejection.`,
  question: (where: string) =>
    `Is the async function at ${where} wrapped or patched in a way bka does not see (a custom router, express-async-errors loaded elsewhere)? If so, note it in the bka config.`,
};

const OPTIONS: Option[] = [
  {
    title: "Wrap async handlers: asyncHandler(fn) that calls .catch(next) (or express-async-handler)",
    pros: ["Explicit at each route; errors reach the error-handling middleware"],
    cons: ["Every new route must remember the wrapper"],
  },
  {
    title: "require('express-async-errors') once, before the routes are defined",
    pros: ["One line covers every route and middleware"],
    cons: ["Patches Express internals; check it supports the Express version in use"],
  },
  {
    title: "Upgrade to Express 5, which forwards rejected promises to next(err)",
    pros: ["Built-in behaviour; no wrapper needed"],
    cons: ["A major upgrade: path syntax and some APIs changed"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const servicesById = new Map(model.services.map((s) => [s.id, s]));
  for (const fn of model.asyncRequestFunctions ?? []) {
    if (fn.framework !== "express" || fn.wrappers.some((w) => w.catches)) continue;
    const service = servicesById.get(fn.serviceId);
    if (service && PATCHING_PACKAGES.some((p) => service.dependencies.includes(p))) continue;
    const major = service ? declaredMajor(service, "express") : undefined;
    if (major !== undefined && major >= 5) continue;
    report(model, ctx, fn, major, routesOf(model, fn));
  }
}

function report(model: ArchitectureModel, ctx: RuleContext, fn: AsyncRequestFunction, major: number | undefined, routes: Endpoint[]): void {
  const confidence = major === undefined ? CONFIDENCE.unknownVersion : fn.unguarded.kind === "throw" ? CONFIDENCE.throwInExpress4 : CONFIDENCE.awaitInExpress4;
  const where = describeLocation(fn.location);
  const what = routes.length && routes.every((r) => r.handlerId === fn.functionId) ? "The async handler" : "The async function";
  const routeText = routes.length ? ` (${routes.slice(0, 3).map(describeEndpoint).join(", ")}${routes.length > 3 ? ", …" : ""})` : "";
  const version = major === undefined ? "Express before version 5" : `Express ${major} (declared in package.json)`;
  const evidence: CodeEvidence[] = [
    ctx.codeEvidence(fn.unguarded.location, fn.unguarded.kind === "throw" ? "throws outside any try/catch" : "awaits outside any try/catch"),
    ctx.codeEvidence(fn.location, "async function registered with Express"),
  ];
  if (routes[0] && routes[0].location.line !== fn.location.line) evidence.push(ctx.codeEvidence(routes[0].location, `serves ${describeEndpoint(routes[0])}`));
  ctx.report({
    confidence,
    message: messages.finding(what, where, routeText, version),
    location: fn.unguarded.location,
    subject: fn.functionId,
    evidence,
    remediation: {
      summary: "Make every rejection reach Express's error handler: wrap the handler, load express-async-errors, or move to Express 5.",
      options: OPTIONS,
      fix: { description: "Wrap the handler so a rejection is passed to next(err).", location: fn.location, replacement: "asyncHandler(async (req, res) => { … })" },
    },
    ...questionIfAsk(model, confidence, messages.question(where)),
  });
}

/** Routes whose handler or middleware chain is the function, in source order. */
function routesOf(model: ArchitectureModel, fn: AsyncRequestFunction): Endpoint[] {
  const definedHere = (e: Endpoint) =>
    e.handlerId === fn.functionId || e.middleware.some((m) => m.definedAt && `${m.definedAt.file}:${m.definedAt.line}:${m.definedAt.column}` === fn.functionId);
  return model.endpoints.filter((e) => e.serviceId === fn.serviceId && definedHere(e)).sort((a, b) => byLocation(a.location, b.location));
}

export const rule: Rule = { meta, check };
