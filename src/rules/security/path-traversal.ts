// security/path-traversal: request input chooses which file is read, written or served.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { checkSinks, sinksOfKind } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/path-traversal",
  area: "security",
  severity: "high",
  title: "File path built from request input",
  rationale:
    "Finds file-system calls (`fs.readFile`, `createReadStream`, `writeFile` …), `res.sendFile`/`res.download` and " +
    "`res.render` given a whole request object as its options, where request input decides the path. `../` " +
    "sequences, absolute paths, encoded separators and null bytes escape the intended folder and read or overwrite " +
    "any file the process can reach (keys, configuration, source). `res.render(view, req.body)` lets the client set " +
    "`layout`, another path (not in the branch of `if (req.body.layout)` where it is unset). `path.basename(x)`, " +
    "`path.parse(x).base`, a value picked from a constant list (`[\"jpg\", \"png\"].includes(ext) ? ext : \"jpg\"`) " +
    "and file-type's detected extension keep directories out of a name; so does a check that the name is one " +
    "of a folder's entries (`readdirSync(dir).includes(name)`) or that the resolved path starts with its root. Served " +
    "files whose path bka cannot trace are asked about (one question per service); plain file reads of unknown origin are not reported.",
  examples: {
    bad: `res.sendFile(path.resolve("uploads", req.params.file));`,
    good: `const name = path.basename(req.params.file);
if (!ALLOWED.has(name)) return res.sendStatus(404);
res.sendFile(name, { root: path.resolve("uploads") });`,
  },
  references: [
    refs.cwe(22, "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')"),
    refs.asvs("5.3.2", "File paths are built from internally generated or trusted data, not user-submitted names"),
    refs.top10(2021, 1, "Broken Access Control"),
  ],
};

function check(model: ArchitectureModel, ctx: RuleContext): void {
  checkSinks(meta, sinksOfKind(model, ["path"]), model, ctx, {
    sinkLabel: "file path used here",
    flowMessage: (inputs, where, api) => `${inputs.join(", ")} decides the file used by ${api} at ${where}.`,
    unknownMessage: (where, api) => `${api} at ${where}: the file served comes from a path bka could not trace.`,
    question: (where) => `Can a client choose the file served at ${where}?`,
    remediation: "Map the request to a file through an allowlist or an id lookup; otherwise take path.basename() of the name, resolve it under a fixed root and check the result still starts with that root.",
    askWhenUnknown: (sink) => sink.api.startsWith("res."),
  });
}

export const rule: Rule = { meta, check };
