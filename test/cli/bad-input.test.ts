// Bad input through the real binary: a clear message naming the path (and line), exit 2 when
// nothing usable remains, never a stack trace; a partly unusable project is still reviewed.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function bka(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/bka.js", ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "bka-bad-"));
  made.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const noStack = (text: string) => assert.doesNotMatch(text, /^\s+at /m);

test("a file instead of a folder", () => {
  const dir = project({ "server.js": "const express = require('express');\n" });
  const r = bka("review", join(dir, "server.js"));
  assert.equal(r.code, 2);
  assert.match(r.err, /server\.js is a file, not a folder/);
  noStack(r.err);
});

test("an empty folder", () => {
  const dir = project({});
  const r = bka("review", dir);
  assert.equal(r.code, 2);
  assert.match(r.err, /no JavaScript or TypeScript sources found/);
  noStack(r.err);
});

test("a project whose only source does not parse names the file, line and column", () => {
  const dir = project({ "src/app.js": "const app = express();\napp.get('/x', (req, res) => {\n  res.send(;\n});\n" });
  const r = bka("review", dir);
  assert.equal(r.code, 2);
  assert.match(r.err, /src\/app\.js:3:12/);
  noStack(r.err);
});

test("a partly unusable project is reviewed and says what it skipped", () => {
  const dir = project({
    "package.json": JSON.stringify({ name: "half", dependencies: { express: "^4" } }),
    "src/app.js": "const express = require('express');\nconst app = express();\napp.post('/items', (req, res) => res.json(req.body));\nmodule.exports = app;\n",
    "src/broken.js": "function (\n",
    "src/blob.js": Buffer.from([0x00, 0x01, 0x02, 0x03]),
    "src/bundle.js": "var a=1;".repeat(20000),
  });
  symlinkSync(join(dir, "src"), join(dir, "src", "loop"));
  const r = bka("review", dir, "--format", "json");
  assert.equal(r.code, 0, r.err);
  const { model } = JSON.parse(r.out);
  assert.deepEqual(model.endpoints.map((e: { method: string; path: string }) => `${e.method} ${e.path}`), ["POST /items"]);
  const skipped = Object.fromEntries(model.coverage.skipped.map((s: { path: string; reason: string }) => [s.path, s.reason]));
  assert.equal(skipped["src/broken.js"], "syntax-error");
  assert.equal(skipped["src/blob.js"], "binary");
  assert.equal(skipped["src/bundle.js"], "minified");
  assert.equal(skipped["src/loop"], "symlink-loop");
  assert.ok(model.coverage.understanding < 100, "a skipped source file lowers the run's confidence");
});

test("--fail-on with an unknown band is bad input", () => {
  const r = bka("review", "examples/express-shop", "--fail-on", "never");
  assert.equal(r.code, 2);
  noStack(r.err);
});
