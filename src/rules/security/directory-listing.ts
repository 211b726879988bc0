// security/directory-listing: a folder listed to anyone, or a log, backup or key folder served over HTTP.
import type { ArchitectureModel, ServedResource } from "../../model/types.ts";
import type { Rule, RuleContext, RuleMeta } from "../types.ts";
import { byLocation, describeLocation, refs, uniqueLocations } from "../support.ts";
import { compareText } from "../../model/order.ts";

export const meta: RuleMeta = {
  id: "security/directory-listing",
  area: "security",
  severity: "high",
  title: "Directory listing or a sensitive folder served over HTTP",
  rationale:
    "Finds mounts that list a folder's contents to clients (serve-index, @fastify/static with `list: true`) and mounts " +
    "that serve a folder whose name says it holds logs, backups, dumps, keys or source-control metadata — as static " +
    "files or through a handler that sends any file from it by a request parameter. A listing tells an attacker every " +
    "file name to fetch; logs carry tokens, emails and internal paths, backups and dumps carry whole databases, and key " +
    "folders carry what signs or decrypts the application's secrets.",
  examples: {
    bad: `app.use("/logs", serveIndex("logs"), express.static("logs"));`,
    good: `// Ship logs to the log pipeline; serve only the public build folder.\napp.use(express.static("public"));`,
  },
  references: [
    refs.cwe(548, "Exposure of Information Through Directory Listing"),
    refs.cwe(538, "Insertion of Sensitive Information into Externally-Accessible File or Directory"),
    refs.asvs("13.4.3", "Web servers do not expose directory listings to clients unless explicitly intended"),
    refs.asvs("13.4.1", "No source control metadata is deployed or it is inaccessible"),
    refs.top10(2021, 5, "Security Misconfiguration"),
  ],
};

/** A listing of a folder named for logs, backups or keys: nothing about it is uncertain. */
const SENSITIVE_LISTING = 96;
/** A sensitive folder served whole, or file by file by a request parameter. */
const SENSITIVE_FOLDER = 94;
/** A listing of a folder whose name says nothing: it may be meant to be public. */
const PLAIN_LISTING = 80;

/** Folder or path segments that name logs, backups, dumps, keys, secrets or repository metadata. */
const SENSITIVE_SEGMENT = /^(logs?|backups?|bak|dumps?|[\w.-]*dumps?|[\w.-]*keys|secrets?|\.git|\.svn|\.hg|\.ssh|\.env)$/i;
const SENSITIVE_FILE = /\.(sql|bak|dump|log|pem|key)$/i;

/** RFC 8615: /.well-known holds documents meant for anyone (security.txt, OpenID configuration). */
const PUBLIC_BY_DESIGN = /^\/\.well-known(\/|$)/;

function check(model: ArchitectureModel, ctx: RuleContext): void {
  for (const group of mountGroups(model.served ?? [])) {
    if (group.every((s) => PUBLIC_BY_DESIGN.test(mountBase(s.path)) && !sensitiveName(s))) continue;
    const unguarded = group.filter((s) => s.guards.length === 0);
    const listings = unguarded.filter((s) => s.kind === "directory-listing");
    const sensitive = unguarded.map((s) => ({ s, name: sensitiveName(s) })).filter((x) => x.name !== undefined && x.s.kind !== "metrics");
    if (!listings.length && !sensitive.length) continue;
    const lead = listings[0] ?? sensitive[0].s;
    const name = sensitive[0]?.name;
    const confidence = name ? (listings.length ? SENSITIVE_LISTING : SENSITIVE_FOLDER) : PLAIN_LISTING;
    const members = [...listings, ...sensitive.map((x) => x.s)];
    ctx.report({
      confidence,
      message: messageOf(lead, members, name),
      location: lead.location,
      subject: `${lead.serviceId} ${mountBase(lead.path)}`,
      evidence: uniqueLocations(members.flatMap((s) => [s.location, ...(s.servedAt ? [s.servedAt] : [])])).map((at) => ctx.codeEvidence(at, labelOf(members, at))),
      references: meta.references,
      remediation: {
        summary: name
          ? `Stop serving the ${name} folder over HTTP: ship logs to the log pipeline, keep backups and keys outside every served folder, and remove the listing.`
          : `Remove the directory listing from ${mountBase(lead.path)}, or put authentication in front of it if the folder is meant for some users.`,
        ...(name ? {} : { options: LISTING_OPTIONS }),
        fix: { description: "Remove the listing middleware from the mount.", location: lead.location },
      },
    });
  }
}

const LISTING_OPTIONS = [
  { title: "Remove the listing, keep serving the files", pros: ["Clients can still fetch files they know the name of"], cons: ["Names can still be guessed"] },
  { title: "Require authentication on the mount", pros: ["Only signed-in users see the listing"], cons: ["Every signed-in user sees every file name"] },
];

/** Mounts under the same path (`/logs` and `/logs/:file`) are one exposure, in source order. */
function mountGroups(served: ServedResource[]): ServedResource[][] {
  const groups = new Map<string, ServedResource[]>();
  for (const s of [...served].sort((a, b) => byLocation(a.location, b.location))) {
    if (s.kind === "metrics") continue;
    const key = `${s.serviceId} ${s.location.file} ${mountBase(s.path)}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.entries()].sort(([a], [b]) => compareText(a, b)).map(([, list]) => list);
}

/** The fixed part of a mount path: `/ftp(?!/quarantine)/:file` → `/ftp`. */
function mountBase(path: string): string {
  const cut = path.search(/[(:*?[]/);
  const base = (cut >= 0 ? path.slice(0, cut) : path).replace(/\/+$/, "");
  return base || "/";
}

/** The first segment of the folder or mount path that names logs, backups, dumps, keys or repository metadata. */
function sensitiveName(s: ServedResource): string | undefined {
  const segments = [...(s.folder ?? "").split("/"), ...mountBase(s.path).split("/")].filter(Boolean);
  return segments.find((segment) => SENSITIVE_SEGMENT.test(segment) || SENSITIVE_FILE.test(segment));
}

function messageOf(lead: ServedResource, members: ServedResource[], name: string | undefined): string {
  const where = describeLocation(lead.location);
  const parts = [...new Set(members.map(describeServed))].join("; ");
  const risk = name ? `anyone can read what the ${name} folder holds` : "anyone can see every file name in the folder and fetch them";
  return `${mountBase(lead.path)} at ${where}: ${parts}. No authentication is applied in the registration: ${risk}.`;
}

function describeServed(s: ServedResource): string {
  const folder = s.folder ? `folder "${s.folder}"` : "a folder";
  switch (s.kind) {
    case "directory-listing":
      return `${s.library} lists ${folder}`;
    case "static-files":
      return `${s.library} serves ${folder}`;
    default:
      return `${s.path} sends any file from ${folder} by a request parameter`;
  }
}

function labelOf(members: ServedResource[], at: ServedResource["location"]): string {
  const registration = members.find((s) => byLocation(s.location, at) === 0);
  if (registration) return registration.kind === "directory-listing" ? "directory listing mounted here" : "folder served here";
  return "file sent here";
}

export const rule: Rule = { meta, check };
