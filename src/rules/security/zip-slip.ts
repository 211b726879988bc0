// security/zip-slip: an archive entry's own name decides where it is written.
import type { ArchitectureModel } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { refs } from "../support.ts";
import { checkSinks, sinksOfKind } from "../sink-support.ts";

export const meta: RuleMeta = {
  id: "security/zip-slip",
  area: "security",
  severity: "high",
  title: "Archive entry written to a path built from its name",
  rationale:
    "Finds files written while extracting an archive (unzipper, adm-zip, yauzl, tar …) to a path joined from the " +
    "entry's name. The name comes from whoever made the archive: `../../app/server.js` writes outside the target " +
    "folder and can overwrite code or configuration (Zip Slip). The uploaded archive is request input even when the " +
    "entry name itself has no traceable path from the request. An entry whose resolved path is checked to start " +
    "with the target folder before the write is not reported.",
  examples: {
    bad: `for (const entry of directory.files) {
  entry.stream().pipe(fs.createWriteStream("uploads/" + entry.path));
}`,
    good: `const target = path.resolve("uploads", entry.path);
if (!target.startsWith(path.resolve("uploads") + path.sep)) throw new Error("entry outside target");
entry.stream().pipe(fs.createWriteStream(target));`,
  },
  references: [
    refs.cwe(22, "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')"),
    refs.asvs("5.3.2", "File paths are built from internally generated or trusted data, not user-submitted names"),
    { title: "Snyk: Zip Slip vulnerability", url: "https://security.snyk.io/research/zip-slip-vulnerability" },
  ],
};

function check(model: ArchitectureModel, ctx: RuleContext): void {
  checkSinks(meta, sinksOfKind(model, ["zip"]), model, ctx, {
    sinkLabel: "entry written here",
    flowMessage: (inputs, where, api) => `${inputs.join(", ")} decides where ${api} at ${where} writes an archive entry.`,
    unknownMessage: (where, api) => `${api} at ${where} writes an archive entry to a path built from the entry's own name.`,
    question: (where) => `Is the archive extracted at ${where} supplied by a client?`,
    remediation: "Resolve each entry's path under the target folder and skip entries whose resolved path is outside it (or use an extractor that does this check).",
  });
}

export const rule: Rule = { meta, check };
