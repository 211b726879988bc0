// performance/sync-io-in-request-path: a blocking file, crypto, zlib or child-process call made
// while serving a request.
import type { ArchitectureModel, RuntimeCallCategory } from "../../model/types.ts";
import type { Option, Severity } from "../../model/finding.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { describeLocation, questionIfAsk, refs } from "../support.ts";
import { endpointList } from "../query-support.ts";
import { callsOnRequestPaths, type ReachedCall } from "../runtime-support.ts";

export const meta: RuleMeta = {
  id: "performance/sync-io-in-request-path",
  area: "performance",
  severity: "medium",
  title: "Synchronous I/O or hashing while serving a request",
  rationale:
    "Finds synchronous calls — `fs.readFileSync` and the other `*Sync` file calls, `crypto.pbkdf2Sync` / `scryptSync`, " +
    "`bcrypt.hashSync` / `compareSync`, `zlib.*Sync`, `child_process.execSync` — reached from a request handler. Node " +
    "serves every client on one thread: while a synchronous call waits for the disk, derives a key or waits for a child " +
    "process, no other request is answered, so one slow call adds its whole duration to the latency of every concurrent " +
    "request. A password hash at cost 10–12 takes 50–300 ms of CPU. The asynchronous versions run on libuv's thread " +
    "pool and keep the event loop free. Calls at module level or behind a cache (`if (!cached) cached = readFileSync(…)`) " +
    "run once and are not reported.",
  examples: {
    bad: `app.post("/login", (req, res) => {
  const ok = bcrypt.compareSync(req.body.password, user.passwordHash); // blocks every client
});`,
    good: `app.post("/login", async (req, res) => {
  const ok = await bcrypt.compare(req.body.password, user.passwordHash);
});`,
  },
  references: [
    refs.cwe(400, "Uncontrolled Resource Consumption"),
    refs.asvs("15.2.2", "Defenses against loss of availability due to resource-demanding functionality"),
    { title: "Node.js: Don't Block the Event Loop (or the Worker Pool)", url: "https://nodejs.org/en/learn/asynchronous-work/dont-block-the-event-loop" },
  ],
};

interface CategoryAdvice {
  confidence: number;
  severity: Severity;
  why: string;
  fix: string;
}

/**
 * CPU-bound hashing and waiting on a child process block for tens of ms at least: a fact (90).
 * A file or zlib call's cost depends on the size and the disk: a decision (75, 80 in a loop).
 */
const ADVICE: Partial<Record<RuntimeCallCategory, CategoryAdvice>> = {
  "sync-crypto": { confidence: 90, severity: "high", why: "derives a key or hashes a password on the event loop, tens to hundreds of milliseconds of CPU each time", fix: "await bcrypt.compare(password, hash) // or util.promisify(crypto.scrypt)" },
  "sync-process": { confidence: 90, severity: "high", why: "starts a process and waits for it to exit", fix: "const { stdout } = await promisify(execFile)(cmd, args, { timeout: 10_000 })" },
  "sync-zlib": { confidence: 80, severity: "medium", why: "compresses or decompresses the whole buffer on the event loop", fix: "await promisify(zlib.gzip)(buffer) // or stream it through zlib.createGzip()" },
  "sync-fs": { confidence: 75, severity: "medium", why: "waits for the disk", fix: "await fs.promises.readFile(path, \"utf8\") // or read it once at startup" },
};

const OPTIONS: Option[] = [
  {
    title: "Use the asynchronous API (fs.promises, bcrypt.compare, util.promisify(crypto.scrypt), zlib streams)",
    pros: ["The event loop keeps serving other requests while the work runs on libuv's thread pool"],
    cons: ["The thread pool has 4 threads by default (UV_THREADPOOL_SIZE): heavy hashing still queues"],
  },
  {
    title: "Do it once: read the file at startup or cache the result",
    pros: ["No cost per request"],
    cons: ["Changes to the file need a reload or an invalidation"],
  },
];

export function check(model: ArchitectureModel, ctx: RuleContext): void {
  const categories = new Set(Object.keys(ADVICE) as RuntimeCallCategory[]);
  for (const reached of callsOnRequestPaths(model, categories)) report(model, ctx, reached);
}

function report(model: ArchitectureModel, ctx: RuleContext, { call, endpoints }: ReachedCall): void {
  const advice = ADVICE[call.category]!;
  const confidence = call.category === "sync-fs" && call.inLoop ? advice.confidence + 5 : advice.confidence;
  const where = describeLocation(call.location);
  ctx.report({
    confidence,
    severity: advice.severity,
    message:
      `${endpointList(endpoints)} calls ${call.api} at ${where}, which ${advice.why}; ` +
      `no other request is served while it runs${call.inLoop ? ", and it runs inside a loop" : ""}.`,
    location: call.location,
    subject: call.id,
    evidence: [
      ctx.codeEvidence(call.location, `${call.api} blocks the event loop${call.inLoop ? " (inside a loop)" : ""}`),
      ctx.codeEvidence(endpoints[0].location, `reached while serving ${endpointList(endpoints.slice(0, 1))}`),
    ],
    remediation: {
      summary: "Use the asynchronous version of the call, or do the work once at startup and reuse the result.",
      options: OPTIONS,
      fix: { description: `Replace ${call.api} with its asynchronous form.`, location: call.location, replacement: advice.fix },
    },
    ...questionIfAsk(model, confidence, `Is the work at ${where} small and rare enough (a tiny local file) to block every client while it runs?`),
  });
}

export const rule: Rule = { meta, check };
