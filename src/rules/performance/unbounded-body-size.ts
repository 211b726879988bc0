// performance/unbounded-body-size: body and upload parsers without a size limit, or with a very
// large one; one finding per service.
import type { ArchitectureModel, SecurityControl } from "../../model/types.ts";
import type { Option } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";
import { compareText } from "../../model/order.ts";

export const meta: RuleMeta = {
  id: "performance/unbounded-body-size",
  area: "performance",
  severity: "medium",
  title: "Request body or upload without a size limit",
  rationale:
    "Finds upload parsers configured without a file-size limit (multer and express-fileupload accept files of any " +
    "size by default) and body parsers whose limit is raised beyond 100 MiB (`express.json({ limit: \"1gb\" })`, " +
    "body-parser, Fastify's `bodyLimit`, koa-bodyparser and koa-body). A body is read into memory (or onto disk) before " +
    "the handler runs, and a JSON body is parsed on the event loop: a few large requests exhaust memory or disk, or " +
    "block every other client while they parse. The defaults of express.json, body-parser (100 KB), Fastify and Koa's " +
    "parsers (1 MB) are safe and are not reported. Listed once per service.",
  examples: {
    bad: `const upload = multer({ dest: "uploads/" }); // any file size
app.use(express.json({ limit: "1gb" }));`,
    good: `const upload = multer({ dest: "uploads/", limits: { fileSize: 5 * 1024 * 1024, files: 1 } });
app.use(express.json({ limit: "100kb" }));`,
  },
  references: [
    refs.cwe(770, "Allocation of Resources Without Limits or Throttling"),
    refs.asvs("5.2.1", "Only files of a size the application can process are accepted"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to resource-demanding functionality"),
    refs.apiTop10(4),
    { title: "multer: limits", url: "https://github.com/expressjs/multer#limits" },
    { title: "Express: express.json() options (limit)", url: "https://expressjs.com/en/api.html#express.json" },
  ],
};

/** A parser with no limit is a decision (80): a gateway in front may cap bodies. A huge explicit limit may be wanted (70). */
const CONFIDENCE = { noLimit: 80, largeLimit: 70 } as const;
/** An explicit limit is a decision the team made; only one beyond any ordinary request is questioned. */
const HUGE_BYTES = 100 * 1024 * 1024;
const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };
/** Option names that hold a body limit, per parser library. */
const LIMIT_OPTIONS: Record<string, string[]> = {
  express: ["limit"],
  "body-parser": ["limit"],
  fastify: ["bodyLimit"],
  "koa-bodyparser": ["jsonLimit", "formLimit", "textLimit", "xmlLimit"],
  "@koa/bodyparser": ["jsonLimit", "formLimit", "textLimit", "xmlLimit"],
  "koa-body": ["jsonLimit", "formLimit", "textLimit"],
};
const UPLOAD_PARSERS = new Set(["multer", "express-fileupload"]);

const OPTIONS: Option[] = [
  {
    title: "Set a limit on each parser that fits the largest legitimate request (`limits: { fileSize }`, `limit`)",
    pros: ["Oversized requests are refused with 413 before they cost memory"],
    cons: ["Legitimate large uploads need their own route with a higher limit"],
  },
  {
    title: "Cap bodies at the proxy or gateway (nginx `client_max_body_size`) and keep a limit in the app too",
    pros: ["Refused before reaching Node"],
    cons: ["The app's own limit is still the last line if the proxy changes"],
  },
];

interface Problem {
  control: SecurityControl;
  what: string;
  confidence: number;
  fix: string;
}

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const byService = new Map<string, Problem[]>();
  for (const control of model.securityControls) {
    const problem = control.kind === "body-limit" ? problemOf(control) : undefined;
    if (problem) byService.set(control.serviceId, [...(byService.get(control.serviceId) ?? []), problem]);
  }
  for (const [serviceId, problems] of [...byService].sort(([a], [b]) => compareText(a, b))) report(model, ctx, serviceId, problems);
}

function problemOf(control: SecurityControl): Problem | undefined {
  if (UPLOAD_PARSERS.has(control.library)) {
    const limits = control.options.limits;
    const fileSize = limits && typeof limits === "object" ? (limits as Record<string, unknown>).fileSize : undefined;
    if (fileSize === undefined && limits !== "(dynamic)") return { control, what: `${control.library} accepts files of any size (no limits.fileSize)`, confidence: CONFIDENCE.noLimit, fix: "limits: { fileSize: 5 * 1024 * 1024, files: 1 }" };
    return undefined;
  }
  for (const option of LIMIT_OPTIONS[control.library] ?? []) {
    const bytes = byteSize(control.options[option]);
    if (bytes !== undefined && bytes > HUGE_BYTES) return { control, what: `${control.library} accepts bodies up to ${String(control.options[option])} (${option})`, confidence: CONFIDENCE.largeLimit, fix: `${option}: "1mb"` };
  }
  return undefined;
}

/** `"50mb"`, `52428800`: the size in bytes, as the `bytes` package reads it; undefined when not literal. */
export function byteSize(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb)?\s*$/i.exec(value);
  return m ? Number(m[1]) * UNITS[(m[2] ?? "b").toLowerCase()] : undefined;
}

function report(model: ArchitectureModel, ctx: RuleContext, serviceId: string, problems: Problem[]): void {
  const confidence = Math.max(...problems.map((p) => p.confidence));
  const listed = problems.map((p) => `${p.what} at ${describeLocation(p.control.location)}`);
  ctx.report({
    confidence,
    message: `${serviceId}: ${listed.join("; ")}. Large requests are held in memory or on disk before any handler can refuse them.`,
    location: problems[0].control.location,
    subject: `${serviceId} body-size`,
    evidence: problems.map((p) => ctx.codeEvidence(p.control.location, p.what)),
    remediation: {
      summary: "Give every body and upload parser a limit that fits the largest legitimate request.",
      options: OPTIONS,
      fix: { description: `Set a size limit on the ${problems[0].control.library} parser.`, location: problems[0].control.location, replacement: problems[0].fix },
    },
    ...questionIfAsk(model, confidence, `What is the largest request body ${serviceId} must accept, and is it capped in front of the app?`),
  });
}

export const rule: Rule = { meta, check };
