// The fact cache (`--cache`): the same model as without it, and never a stale fact.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { serialize } from "node:v8";
import { ingest } from "../../src/ingest/index.ts";
import { FactCache } from "../../src/ingest/fact-cache.ts";
import { analyzeFile, type FileOutcome } from "../../src/ingest/analyze-file.ts";
import { discoverWorkspace } from "../../src/ingest/workspace/discover.ts";
import { createResolver } from "../../src/ingest/workspace/resolver.ts";
import type { ModuleResolver, ResolveResult } from "../../src/ingest/workspace/types.ts";
import { recordingCli } from "../cli/recording-review.ts";

const scratch = mkdtempSync(join(tmpdir(), "bka-fact-cache-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
const fresh = (name: string) => join(scratch, `${name}-${++count}`);

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const endpoints = async (root: string, cache: string) =>
  (await ingest(root, { cache })).model.endpoints.map((e) => `${e.method} ${e.path} ${e.auth.state}`).sort();

const SERVER = `import express from "express";
import { requireAuth } from "./auth";
const app = express();
app.get("/health", (req, res) => res.send("ok"));
app.post("/orders", requireAuth, (req, res) => res.status(201).json(req.body));
app.listen(3000);
`;
const AUTH = `import jwt from "jsonwebtoken";
export function requireAuth(req, res, next) {
  const header = req.headers.authorization;
  if (!header) return res.status(401).end();
  try { req.user = jwt.verify(header.slice(7), process.env.JWT_SECRET); next(); } catch { res.status(401).end(); }
}
`;

describe("review with the fact cache", () => {
  test("gives byte-identical output without it, on the first run and on a run from the cache", async () => {
    const root = fresh("conduit");
    cpSync("test/fixtures/conduit-express", root, { recursive: true });
    const cache = fresh("cache");
    const plain = JSON.stringify((await ingest(root)).model);
    assert.ok(plain.includes('"/api/articles/{slug}"'));
    assert.equal(JSON.stringify((await ingest(root, { cache })).model), plain);
    assert.equal(readdirSync(join(cache, "facts")).length, 1);
    assert.equal(JSON.stringify((await ingest(root, { cache })).model), plain);
  });

  test("a changed file is read again", async () => {
    const root = fresh("edited");
    const cache = fresh("cache");
    write(root, { "src/server.ts": SERVER, "src/auth.ts": AUTH });
    assert.deepEqual(await endpoints(root, cache), ["GET /health none", "POST /orders required"]);
    write(root, { "src/server.ts": SERVER.replace('app.get("/health"', 'app.get("/status"') });
    assert.deepEqual(await endpoints(root, cache), ["GET /status none", "POST /orders required"]);
  });

  test("a file whose import now resolves elsewhere is read again, though its text is unchanged", async () => {
    const root = fresh("resolution");
    const cache = fresh("cache");
    // ./auth does not exist yet: requireAuth is unknown, so the write is not known to be guarded.
    write(root, { "src/server.ts": SERVER });
    assert.deepEqual(await endpoints(root, cache), ["GET /health none", "POST /orders unknown"]);
    write(root, { "src/auth.ts": AUTH });
    assert.deepEqual(await endpoints(root, cache), ["GET /health none", "POST /orders required"]);
  });

  test("a deleted file's facts are not kept", async () => {
    const root = fresh("deleted");
    const cache = fresh("cache");
    write(root, { "src/server.ts": SERVER, "src/auth.ts": AUTH, "src/admin.ts": 'import express from "express";\nexport const admin = express.Router();\nadmin.delete("/users/:id", (req, res) => res.end());\n' });
    await ingest(root, { cache });
    rmSync(join(root, "src/admin.ts"));
    await ingest(root, { cache });
    const file = join(cache, "facts", readdirSync(join(cache, "facts"))[0]);
    const reopened = FactCache.open(root, cache);
    assert.equal(reopened.file, file);
    const workspace = discoverWorkspace(root);
    const resolver = createResolver(workspace);
    const admin = { path: "src/admin.ts", absPath: join(root, "src/admin.ts"), size: 0, language: "ts" as const, packageRoot: "." };
    assert.equal(reopened.lookup(admin, "anything", resolver), undefined);
  });
});

test("--cache reaches the review from bka review, openapi and check, and only when given", async () => {
  const { seen, bka } = recordingCli();
  const project = fresh("cli");
  mkdirSync(project);
  for (const command of ["review", "openapi", "check"]) {
    await bka([command, project, "--no-progress", "--cache"]);
    await bka([command, project, "--no-progress"]);
  }
  assert.deepEqual(seen.map((o) => o.cache), [true, undefined, true, undefined, true, undefined]);
});

describe("FactCache", () => {
  const root = fresh("unit");
  write(root, { "src/server.ts": SERVER, "src/auth.ts": AUTH });
  const workspace = discoverWorkspace(root);
  const resolver = createResolver(workspace);
  const server = workspace.files.find((f) => f.path === "src/server.ts")!;
  const analysed = analyzeFile(server, resolver);
  assert.ok("facts" in analysed);
  const outcome = analysed as Extract<FileOutcome, { facts: unknown }>;

  function stored(): string {
    const cache = fresh("cache");
    const writer = FactCache.open(root, cache);
    writer.remember(server, SERVER, outcome);
    assert.equal(writer.save(), undefined);
    return cache;
  }

  test("records what the walk asked the resolver", () => {
    assert.deepEqual(outcome.resolutions, [
      ["./auth", { kind: "file", path: "src/auth.ts" }],
      ["express", { kind: "package", name: "express" }],
    ]);
  });

  test("returns the stored facts for the same text, package and answers", () => {
    const hit = FactCache.open(root, stored()).lookup(server, SERVER, resolver);
    const { resolutions: _asked, ...facts } = outcome;
    assert.deepEqual(hit, facts);
  });

  test("misses on other text, another package root, or another answer to an import", () => {
    const cache = stored();
    assert.equal(FactCache.open(root, cache).lookup(server, `${SERVER}\n`, resolver), undefined);
    assert.equal(FactCache.open(root, cache).lookup({ ...server, packageRoot: "src" }, SERVER, resolver), undefined);
    const moved: ModuleResolver = {
      resolve: (from, specifier): ResolveResult => (specifier === "./auth" ? { kind: "file", path: "src/auth/index.ts" } : resolver.resolve(from, specifier)),
    };
    assert.equal(FactCache.open(root, cache).lookup(server, SERVER, moved), undefined);
    assert.ok(FactCache.open(root, cache).lookup(server, SERVER, resolver));
  });

  test("ignores a corrupt file or one written by other code, and says why for the corrupt one", () => {
    const corrupt = stored();
    const file = FactCache.open(root, corrupt).file;
    writeFileSync(file, "not a cache");
    const broken = FactCache.open(root, corrupt);
    assert.ok(broken.unreadable);
    assert.equal(broken.lookup(server, SERVER, resolver), undefined);

    const other = stored();
    writeFileSync(FactCache.open(root, other).file, serialize({ format: 1, salt: "another version of bka", entries: [], outcomes: { codes: new Int32Array(0), floats: new Float64Array(0), strings: [], shapes: [] } }));
    const foreign = FactCache.open(root, other);
    assert.equal(foreign.unreadable, undefined);
    assert.equal(foreign.lookup(server, SERVER, resolver), undefined);
  });

  test("a cache that cannot be written is reported, not thrown", () => {
    const blocked = fresh("blocked");
    writeFileSync(blocked, "a file where the cache folder should be");
    const cache = FactCache.open(root, blocked);
    cache.remember(server, SERVER, outcome);
    assert.match(cache.save() ?? "", /ENOTDIR|EEXIST/);
  });
});
