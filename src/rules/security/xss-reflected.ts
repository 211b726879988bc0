// security/xss-reflected: request input written into an HTML response without escaping.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { checkSinks, sinksOfKind } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/xss-reflected",
  area: "security",
  severity: "high",
  title: "Request input written into an HTML response",
  rationale:
    "Finds handlers that write request input into a response the browser renders as HTML: Express `res.send`/" +
    "`res.write`/`res.end` of a built string (Express answers a string with text/html), a body after " +
    "`res.type(\"html\")` or `Content-Type: text/html` (Fastify's `reply.type(\"text/html\").send(…)` too), Koa " +
    "`ctx.body = \"<…\" + input` and Hono `c.html(…)` with raw interpolation. A `<script>` in the query string then " +
    "runs in the victim's session on the site's origin (reflected XSS). Escaping helpers (escape-html, he, " +
    "lodash `escape`, validator `escape`, DOMPurify, sanitize-html, Hono's `html` tag) and numbers are safe; JSON " +
    "responses (`res.json`) and auto-escaping template engines (`res.render`) are not sinks.",
  examples: {
    bad: "app.get(\"/search\", (req, res) => res.send(`<p>No results for ${req.query.q}</p>`));",
    good: `import escapeHtml from "escape-html";
app.get("/search", (req, res) => res.send(\`<p>No results for \${escapeHtml(String(req.query.q))}</p>\`));`,
  },
  references: [
    refs.cwe(79, "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"),
    refs.asvs("1.2.1", "Output encoding for an HTTP response or HTML document is relevant for the context required"),
    refs.top10(2021, 3, "Injection"),
    refs.cheatSheet("Cross_Site_Scripting_Prevention"),
  ],
};

function check(model: ArchitectureModel, ctx: RuleContext): void {
  checkSinks(meta, sinksOfKind(model, ["xss"]), model, ctx, {
    sinkLabel: "HTML response written here",
    flowMessage: (inputs, where, api) => `${inputs.join(", ")} is written unescaped into the HTML response by ${api} at ${where}: markup in it runs in the browser.`,
    unknownMessage: (where, api) => `The HTML written by ${api} at ${where} includes a value bka could not trace.`,
    question: (where) => `Can a client influence the HTML written at ${where}?`,
    remediation: "Escape every value inserted into HTML for its context (escape-html, he, or a template engine that escapes by default), or answer with JSON.",
    // Untraced values in HTML are mostly the app's own content: not worth a question each.
    askWhenUnknown: () => false,
  });
}

export const rule: Rule = { meta, check };
