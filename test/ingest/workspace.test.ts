import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { discoverWorkspace } from "../../src/ingest/workspace/discover.ts";
import { createResolver } from "../../src/ingest/workspace/resolver.ts";
import { BadInputError } from "../../src/ingest/workspace/types.ts";
import type { Workspace } from "../../src/ingest/workspace/types.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/workspace/", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "bka-workspace-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

let scratchCount = 0;
/** A fresh folder under the scratch dir, optionally a copy of a fixture, with `files` written into it. */
function project(files: Record<string, string | Buffer> = {}, fixture?: string): string {
  const root = join(scratch, `p${++scratchCount}`);
  if (fixture) cpSync(join(FIXTURES, fixture), root, { recursive: true });
  else mkdirSync(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const paths = (workspace: Workspace) => workspace.files.map((file) => file.path);
const skips = (workspace: Workspace) => workspace.skipped.map(({ path, reason, detail }) => `${path} ${reason}${detail ? `: ${detail}` : ""}`);

function assertBadInput(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof BadInputError, `expected BadInputError, got ${String(error)}`);
    assert.equal(error.message, message);
    return true;
  });
}

describe("discoverWorkspace: a single package", () => {
  const workspace = discoverWorkspace(join(FIXTURES, "single-express"));

  test("lists the sources, sorted, with language, size and package", () => {
    assert.deepEqual(paths(workspace), ["scripts/seed.cjs", "src/db.ts", "src/routes/orders.ts", "src/server.ts", "test/orders.spec.ts"]);
    const db = workspace.files.find((file) => file.path === "src/db.ts");
    assert.deepEqual(db && { language: db.language, packageRoot: db.packageRoot, size: db.size }, {
      language: "ts",
      packageRoot: ".",
      size: readFileSync(join(FIXTURES, "single-express/src/db.ts")).length,
    });
    assert.equal(workspace.files[0].language, "cjs");
    assert.equal(workspace.name, "single-express");
  });

  test("skips minified files (by name and by content) and type declarations", () => {
    assert.deepEqual(skips(workspace), [
      "public/vendor/chart.min.js minified: named .min.js",
      "public/vendor/sparkline.js minified: average line length 5286 bytes",
      "src/env.d.ts not-source: type declarations",
    ]);
    assert.equal(workspace.filesFound, 8);
  });

  test("reads the package name and every kind of dependency", () => {
    assert.deepEqual(workspace.packages, [
      { name: "orders-api", root: ".", dependencies: ["@types/express", "express", "pg", "pg-native", "typescript"], hasManifest: true },
    ]);
  });
});

describe("discoverWorkspace: skipping", () => {
  test("honours root and nested .gitignore files, including negation", () => {
    const root = project(
      {
        "tmp/debug.ts": "console.log('debug');\n",
        "src/dev.local.ts": "export const local = true;\n",
        "src/keep.local.ts": "export const kept = true;\n",
        "src/generated/client.ts": "export const client = {};\n",
        ".env": "DATABASE_URL=postgres://localhost/orders\n",
        "dist/server.js": "console.log('built');\n",
      },
      "single-express",
    );
    const workspace = discoverWorkspace(root);
    assert.deepEqual(paths(workspace), ["scripts/seed.cjs", "src/db.ts", "src/keep.local.ts", "src/routes/orders.ts", "src/server.ts", "test/orders.spec.ts"]);
    assert.deepEqual(
      skips(workspace).filter((line) => line.includes(" ignored")),
      ["dist ignored: .gitignore: dist/", "src/dev.local.ts ignored: .gitignore: *.local.ts", "src/generated ignored: src/.gitignore: generated/", "tmp ignored: .gitignore: tmp/"],
    );
  });

  test("records one entry per node_modules folder and never reads inside it", () => {
    const root = project({
      "package.json": JSON.stringify({ name: "api", dependencies: { express: "^4" } }),
      "src/index.js": "const express = require('express');\nexpress().listen(3000);\n",
      "node_modules/express/package.json": JSON.stringify({ name: "express", main: "index.js" }),
      "node_modules/express/index.js": "module.exports = function express() {};\n",
      "node_modules/express/node_modules/debug/index.js": "module.exports = () => {};\n",
      "src/vendor/node_modules/left-pad/index.js": "module.exports = (s) => s;\n",
      "coverage/lcov-report/prettify.js": "window.prettyPrint = function () {};\n",
      ".git/hooks/pre-commit.js": "process.exit(0);\n",
    });
    const workspace = discoverWorkspace(root);
    assert.deepEqual(paths(workspace), ["src/index.js"]);
    assert.deepEqual(skips(workspace), ["coverage coverage", "node_modules node_modules", "src/vendor/node_modules node_modules"]);
    assert.deepEqual(workspace.packages.map((pkg) => pkg.name), ["api"]);
    assert.equal(workspace.filesFound, 1);
  });

  test("skips files over 1 MB, binary files and files with one huge line", () => {
    const realisticLine = "export const rates = { standard: 0.2, reduced: 0.05, zero: 0 };\n";
    const header = "// (c) Example Corp. Licensed under the MIT licence.\n".repeat(100);
    const bundleLine = `var a=${"1+".repeat(20_000)}1;`;
    const root = project({
      "src/app.ts": "export const ok = true;\n",
      "src/huge.ts": realisticLine.repeat(Math.ceil((1024 * 1024 + 1) / realisticLine.length)),
      "src/image.js": Buffer.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x00, 0x01, 0x00]),
      "src/bundle.js": `${header}${bundleLine}\n`,
      "src/icons.ts": `export const icon = "${"QUJD".repeat(3000)}";\n${realisticLine.repeat(1000)}`,
    });
    const workspace = discoverWorkspace(root);
    assert.deepEqual(paths(workspace), ["src/app.ts", "src/icons.ts"]);
    const hugeSize = readFileSync(join(root, "src/huge.ts")).length;
    assert.deepEqual(skips(workspace), [
      `src/bundle.js minified: a line of ${bundleLine.length} bytes`,
      `src/huge.ts too-large: ${hugeSize} bytes, over the 1 MB limit`,
      "src/image.js binary: contains NUL bytes",
    ]);
    assert.equal(workspace.filesFound, 5);
  });

  test("skips bundler chunks named by content hash in asset folders, not hashed-looking sources elsewhere", () => {
    const chunk = "export function render(){return 1}\n";
    const root = project({
      "core/built/admin/assets/heading-ih-fOVqF.js": chunk,
      "core/built/admin/assets/chunk.201.6961b57ed7a281ac193e.js": chunk,
      "core/built/admin/assets/codemirror/codemirror-bcc43040205b158dea6c38fddde4cfe3.js": chunk,
      "public/static/app.3f9a2c1d4e5b6a7c.mjs": chunk,
      "src/migrations/20240101-add-index.js": chunk,
      "src/routes/users-handlers.ts": chunk,
      "src/cache/key-0123456789abcdef0.ts": chunk,
    });
    const workspace = discoverWorkspace(root);
    assert.deepEqual(paths(workspace), ["src/cache/key-0123456789abcdef0.ts", "src/migrations/20240101-add-index.js", "src/routes/users-handlers.ts"]);
    assert.deepEqual(skips(workspace), [
      "core/built/admin/assets/chunk.201.6961b57ed7a281ac193e.js build-output: a bundler's hashed output chunk",
      "core/built/admin/assets/codemirror/codemirror-bcc43040205b158dea6c38fddde4cfe3.js build-output: a bundler's hashed output chunk",
      "core/built/admin/assets/heading-ih-fOVqF.js build-output: a bundler's hashed output chunk",
      "public/static/app.3f9a2c1d4e5b6a7c.mjs build-output: a bundler's hashed output chunk",
    ]);
  });

  test("compiled output ending in an inline source map is not minified", () => {
    const compiled = [
      '"use strict";',
      'Object.defineProperty(exports, "__esModule", { value: true });',
      "exports.lockout = lockout;",
      "function lockout(user) {",
      "  return user.failedLogins > 5;",
      "}",
      `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${"eyJ2ZXJzaW9uIjozfQ".repeat(800)}`,
    ].join("\n");
    const workspace = discoverWorkspace(project({ "lib/AccountLockout.js": compiled }));
    assert.deepEqual(paths(workspace), ["lib/AccountLockout.js"]);
    assert.deepEqual(workspace.skipped, []);
  });

  test("follows a linked folder once and records links that loop", () => {
    const outside = project({ "audit.ts": "export const audit = () => {};\n" });
    const root = project({ "package.json": JSON.stringify({ name: "links" }), "src/app.ts": "export {};\n", "src/lib/util.ts": "export {};\n" });
    symlinkSync(root, join(root, "src/loop"));
    symlinkSync(join(root, "src/lib"), join(root, "src/a-lib-alias"));
    symlinkSync(outside, join(root, "src/shared"));
    symlinkSync("cycle", join(root, "src/cycle"));
    const workspace = discoverWorkspace(root);
    assert.deepEqual(paths(workspace), ["src/app.ts", "src/lib/util.ts", "src/shared/audit.ts"]);
    assert.deepEqual(skips(workspace), [
      "src/a-lib-alias symlink-loop: links to src/lib, already read",
      "src/cycle symlink-loop: the link leads back to itself",
      "src/loop symlink-loop: links to ., already read",
    ]);
  });

  test("records unreadable files with the OS error code", (t) => {
    const root = project({ "src/app.ts": "export {};\n", "src/secret.ts": "export const key = 'k';\n" });
    symlinkSync("missing-target.ts", join(root, "src/gone.ts"));
    chmodSync(join(root, "src/secret.ts"), 0o000);
    const workspace = discoverWorkspace(root);
    chmodSync(join(root, "src/secret.ts"), 0o644);
    assert.ok(skips(workspace).includes("src/gone.ts unreadable: broken symbolic link (ENOENT)"));
    assert.equal(workspace.filesFound, 3);
    let blocked = true;
    chmodSync(join(root, "src/secret.ts"), 0o000);
    try {
      readFileSync(join(root, "src/secret.ts"));
      blocked = false;
    } catch {
      // chmod 000 blocks reading for this user
    } finally {
      chmodSync(join(root, "src/secret.ts"), 0o644);
    }
    if (!blocked) return t.skip("running as root: chmod 000 does not stop reading, so there is no EACCES to see");
    assert.ok(skips(workspace).includes("src/secret.ts unreadable: EACCES"));
  });
});

describe("discoverWorkspace: build output", () => {
  test("skips a package's dist when it has sources elsewhere", () => {
    const workspace = discoverWorkspace(join(FIXTURES, "monorepo"));
    assert.deepEqual(skips(workspace), ["packages/db/dist build-output: build output; @acme/db has sources outside it"]);
  });

  test("reads dist as the source of a package shipped only compiled; module-type markers are not packages", () => {
    const workspace = discoverWorkspace(join(FIXTURES, "compiled-only"));
    assert.deepEqual(paths(workspace), ["dist/esm/index.js", "dist/index.js", "dist/routes/invoices.js"]);
    assert.deepEqual(skips(workspace), ["dist/index.d.ts not-source: type declarations"]);
    assert.deepEqual(workspace.packages, [{ name: "legacy-billing", root: ".", dependencies: ["@koa/router", "koa"], hasManifest: true }]);
    assert.ok(workspace.files.every((file) => file.packageRoot === "."));
  });

  test("lib is build output only when main points into it and src exists", () => {
    const manifest = JSON.stringify({ name: "mailer", main: "lib/index.js" });
    const withSrc = discoverWorkspace(project({ "package.json": manifest, "src/index.ts": "export {};\n", "lib/index.js": "exports.x = 1;\n" }));
    assert.deepEqual(paths(withSrc), ["src/index.ts"]);
    assert.deepEqual(skips(withSrc), ["lib build-output: build output; mailer has sources outside it"]);
    const withoutSrc = discoverWorkspace(project({ "package.json": manifest, "lib/index.js": "exports.x = 1;\n", "index.js": "module.exports = require('./lib');\n" }));
    assert.deepEqual(paths(withoutSrc), ["index.js", "lib/index.js"]);
    const notMain = discoverWorkspace(project({ "package.json": JSON.stringify({ name: "x", main: "src/index.js" }), "src/index.js": "\n", "lib/util.js": "\n" }));
    assert.deepEqual(paths(notMain), ["lib/util.js", "src/index.js"]);
  });

  test("build-output names deeper than a package root are ordinary folders", () => {
    const workspace = discoverWorkspace(project({ "package.json": "{\"name\":\"ci\"}", "src/build/pipeline.ts": "export {};\n", "dist/app.js": "\n" }));
    assert.deepEqual(paths(workspace), ["src/build/pipeline.ts"]);
    assert.deepEqual(skips(workspace), ["dist build-output: build output; ci has sources outside it"]);
  });
});

describe("discoverWorkspace: packages", () => {
  test("a monorepo: one package per package.json, files belong to the deepest", () => {
    const workspace = discoverWorkspace(join(FIXTURES, "monorepo"));
    assert.deepEqual(
      workspace.packages.map((pkg) => `${pkg.root} ${pkg.name} [${pkg.dependencies.join(",")}]`),
      [". acme [turbo,typescript]", "apps/api @acme/api [@acme/db,fastify,zod]", "packages/db @acme/db [pg,pg-query-stream]"],
    );
    assert.deepEqual(
      workspace.files.map((file) => `${file.packageRoot} ${file.path}`),
      [
        "apps/api apps/api/src/config/env.ts",
        "apps/api apps/api/src/index.ts",
        "apps/api apps/api/src/routes/users.ts",
        "packages/db packages/db/src/index.ts",
        "packages/db packages/db/src/users.ts",
      ],
    );
  });

  test("a broken package.json is recorded with its line and column, and the folder is still a package", () => {
    const workspace = discoverWorkspace(join(FIXTURES, "broken-manifest"));
    assert.deepEqual(workspace.skipped, [
      {
        path: "package.json",
        reason: "syntax-error",
        detail: "package.json is not valid JSON: Expected ',' or '}' after property value",
        line: 4,
        column: 3,
      },
    ]);
    assert.deepEqual(workspace.packages, [{ name: "broken-manifest", root: ".", dependencies: [], hasManifest: false }]);
    assert.deepEqual(paths(workspace), ["src/mailer.js"]);
  });

  test("locates JSON errors that V8 reports without a position", () => {
    const root = project({ "package.json": "{\n  \"name\": \"jobs\",\n  \"scripts\": { \"start\": }\n}\n", "worker.js": "\n" });
    const [entry] = discoverWorkspace(root).skipped;
    assert.deepEqual({ line: entry.line, column: entry.column, reason: entry.reason }, { line: 3, column: 25, reason: "syntax-error" });
    const truncated = project({ "package.json": "{\n  \"name\": \"jobs\"", "worker.js": "\n" });
    const [end] = discoverWorkspace(truncated).skipped;
    assert.deepEqual({ line: end.line, column: end.column }, { line: 2, column: 17 });
  });

  test("without any package.json, one package named after the folder", () => {
    const root = project({ "server.js": "require('http').createServer().listen(80);\n" });
    const workspace = discoverWorkspace(root);
    assert.deepEqual(workspace.packages, [{ name: workspace.name, root: ".", dependencies: [], hasManifest: false }]);
    assert.equal(workspace.files[0].packageRoot, ".");
  });

  test("a root without package.json is a package only when some file lies outside every package", () => {
    const nested = { "api/package.json": "{\"name\":\"api\"}", "api/index.js": "\n", "web/package.json": "{\"name\":\"web\"}", "web/index.js": "\n" };
    assert.deepEqual(discoverWorkspace(project(nested)).packages.map((pkg) => pkg.root), ["api", "web"]);
    const withOrphan = discoverWorkspace(project({ ...nested, "scripts/deploy.js": "\n" }));
    assert.deepEqual(withOrphan.packages.map((pkg) => `${pkg.root} ${pkg.hasManifest}`), [". false", "api true", "web true"]);
    assert.equal(withOrphan.files.find((file) => file.path === "scripts/deploy.js")?.packageRoot, ".");
  });

  test("workspace globs (pnpm-workspace.yaml) make a nameless package.json a package", () => {
    const root = project({
      "package.json": "{\"name\":\"shop\"}",
      "pnpm-workspace.yaml": "packages:\n  - 'services/*'\n  - '!services/legacy'\n",
      "services/cart/package.json": "{\"private\": true}",
      "services/cart/index.js": "\n",
      "services/legacy/package.json": "{\"private\": true}",
      "services/legacy/index.js": "\n",
    });
    assert.deepEqual(discoverWorkspace(root).packages.map((pkg) => `${pkg.root} ${pkg.name}`), [". shop", "services/cart cart"]);
  });
});

describe("discoverWorkspace: bad input", () => {
  test("a path that does not exist", () => {
    const missing = join(scratch, "no-such-project");
    assertBadInput(() => discoverWorkspace(missing), `no such file or directory: ${missing}`);
  });

  test("a file instead of a folder", () => {
    const file = join(FIXTURES, "single-express/package.json");
    assertBadInput(() => discoverWorkspace(file), `${file} is a file, not a folder: point bka at the project folder`);
  });

  test("an empty folder", () => {
    const root = project();
    assertBadInput(() => discoverWorkspace(root), `no JavaScript or TypeScript sources found under ${root}`);
  });

  test("a folder whose only sources were skipped says how many and why", () => {
    const root = project({ "node_modules/x/index.js": "\n", "app.min.js": "var a=1;\n", "blob.js": Buffer.from([0, 1, 2]) });
    assertBadInput(() => discoverWorkspace(root), `no JavaScript or TypeScript sources found under ${root} (skipped 3: 1 binary, 1 minified, 1 node_modules)`);
  });
});

describe("discoverWorkspace: output", () => {
  test("is the same on every run and holds no machine path outside root and absPath", () => {
    const root = project({ "b/z.ts": "\n", "a/y.ts": "\n", "a/x.js": "\n", "c.min.js": "\n" });
    const first = discoverWorkspace(root);
    assert.deepEqual(discoverWorkspace(root), first);
    const { root: absoluteRoot, files, ...rest } = first;
    assert.equal(absoluteRoot, root);
    assert.ok(!JSON.stringify({ ...rest, files: files.map(({ absPath: _absPath, ...file }) => file) }).includes(scratch));
    assert.deepEqual(paths(first), ["a/x.js", "a/y.ts", "b/z.ts"]);
  });
});

describe("createResolver", () => {
  const monorepo = discoverWorkspace(join(FIXTURES, "monorepo"));
  const resolver = createResolver(monorepo);
  const fromUsers = (specifier: string) => resolver.resolve("apps/api/src/routes/users.ts", specifier);

  test("tsconfig paths aliases, wildcard and exact", () => {
    assert.deepEqual(fromUsers("@/config/env"), { kind: "file", path: "apps/api/src/config/env.ts" });
    assert.deepEqual(fromUsers("@config"), { kind: "file", path: "apps/api/src/config/env.ts" });
    assert.deepEqual(fromUsers("@/missing"), { kind: "unresolved" });
  });

  test("TypeScript ESM style: ./x.js names ./x.ts", () => {
    assert.deepEqual(resolver.resolve("apps/api/src/index.ts", "./routes/users.js"), { kind: "file", path: "apps/api/src/routes/users.ts" });
    assert.deepEqual(fromUsers("../index"), { kind: "file", path: "apps/api/src/index.ts" });
    assert.deepEqual(fromUsers(".."), { kind: "file", path: "apps/api/src/index.ts" });
    assert.deepEqual(fromUsers("./nothing-here"), { kind: "unresolved" });
  });

  test("workspace packages resolve to their source entry even without node_modules", () => {
    assert.deepEqual(fromUsers("@acme/db"), { kind: "file", path: "packages/db/src/index.ts" });
    assert.deepEqual(fromUsers("@acme/db/users"), { kind: "file", path: "packages/db/src/users.ts" });
    assert.deepEqual(resolver.resolve("packages/db/src/index.ts", "@acme/api"), { kind: "file", path: "apps/api/src/index.ts" });
  });

  test("bare specifiers and builtins become package names", () => {
    assert.deepEqual(fromUsers("fastify"), { kind: "package", name: "fastify" });
    assert.deepEqual(fromUsers("zod/v4"), { kind: "package", name: "zod" });
    assert.deepEqual(fromUsers("@fastify/jwt/lib/x.js"), { kind: "package", name: "@fastify/jwt" });
    assert.deepEqual(fromUsers("fs"), { kind: "package", name: "node:fs" });
    assert.deepEqual(fromUsers("node:fs"), { kind: "package", name: "node:fs" });
    assert.deepEqual(fromUsers("fs/promises"), { kind: "package", name: "node:fs/promises" });
    assert.deepEqual(fromUsers("node:test"), { kind: "package", name: "node:test" });
  });

  test("anything else is unresolved, and nothing throws", () => {
    for (const specifier of ["~/x", "#internal", "virtual:routes", "https://example.com/x.js", "", "@", "../../../../../outside.js", "\0"]) {
      assert.deepEqual(fromUsers(specifier), { kind: "unresolved" }, specifier);
    }
  });

  test("accepts absolute importer paths", () => {
    assert.deepEqual(resolver.resolve(join(monorepo.root, "apps/api/src/index.ts"), "@/config/env"), { kind: "file", path: "apps/api/src/config/env.ts" });
  });

  test("a tsconfig whose extends is not installed still gives its paths (and those of a workspace config package)", () => {
    const root = project(
      {
        "packages/tsconfig/package.json": "{\"name\":\"@acme/tsconfig\"}",
        "packages/tsconfig/base.json": "{ \"compilerOptions\": { \"baseUrl\": \"../../apps/api\" } }",
        "apps/api/tsconfig.json": [
          "{",
          "  // the first base is not installed: the project has no node_modules",
          "  \"extends\": [\"@tsconfig/node20/tsconfig.json\", \"@acme/tsconfig/base.json\"],",
          "  \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"], \"@config\": [\"./src/config/env.ts\"], }, },",
          "}",
        ].join("\n"),
      },
      "monorepo",
    );
    const fallback = createResolver(discoverWorkspace(root));
    const from = "apps/api/src/routes/users.ts";
    assert.deepEqual(fallback.resolve(from, "@/config/env"), { kind: "file", path: "apps/api/src/config/env.ts" });
    assert.deepEqual(fallback.resolve(from, "@config"), { kind: "file", path: "apps/api/src/config/env.ts" });
    assert.deepEqual(fallback.resolve(from, "src/config/env"), { kind: "file", path: "apps/api/src/config/env.ts" }); // baseUrl
    assert.deepEqual(fallback.resolve(from, "fastify"), { kind: "package", name: "fastify" });
    assert.deepEqual(fallback.resolve(from, "./users.js"), { kind: "file", path: "apps/api/src/routes/users.ts" });
  });

  test("an installed node_modules does not turn packages into files", () => {
    const root = project(
      { "node_modules/express/package.json": "{\"name\":\"express\",\"main\":\"index.js\"}", "node_modules/express/index.js": "module.exports = {};\n" },
      "single-express",
    );
    const withModules = createResolver(discoverWorkspace(root));
    assert.deepEqual(withModules.resolve("src/server.ts", "express"), { kind: "package", name: "express" });
    assert.deepEqual(withModules.resolve("src/server.ts", "../node_modules/express/index.js"), { kind: "package", name: "express" });
    assert.deepEqual(withModules.resolve("src/server.ts", "./routes/orders.js"), { kind: "file", path: "src/routes/orders.ts" });
  });

  test("package.json imports (#) and exports patterns of workspace packages", () => {
    const root = project({
      "package.json": JSON.stringify({ name: "shop", workspaces: ["packages/*"], imports: { "#db": "./src/db.js" } }),
      "src/db.ts": "export const db = {};\n",
      "src/app.ts": "import { db } from '#db';\nimport { money } from '@shop/utils/money';\n",
      "packages/utils/package.json": JSON.stringify({ name: "@shop/utils", exports: { "./*": "./src/*.ts" } }),
      "packages/utils/src/money.ts": "export const money = 1;\n",
      "packages/legacy/package.json": JSON.stringify({ name: "legacy", main: "dist/index.js" }),
      "packages/legacy/src/index.js": "module.exports = {};\n",
    });
    const shop = createResolver(discoverWorkspace(root));
    assert.deepEqual(shop.resolve("src/app.ts", "#db"), { kind: "file", path: "src/db.ts" });
    assert.deepEqual(shop.resolve("src/app.ts", "@shop/utils/money"), { kind: "file", path: "packages/utils/src/money.ts" });
    assert.deepEqual(shop.resolve("src/app.ts", "legacy"), { kind: "file", path: "packages/legacy/src/index.js" });
    assert.deepEqual(shop.resolve("src/app.ts", "@shop/utils/missing"), { kind: "package", name: "@shop/utils" });
  });

  test("answers stay those of the files as they were when first asked (cached)", () => {
    const root = project({}, "single-express");
    const workspace = discoverWorkspace(root);
    const cached = createResolver(workspace);
    assert.deepEqual(cached.resolve("src/server.ts", "./db.js"), { kind: "file", path: "src/db.ts" });
    unlinkSync(join(root, "src/db.ts"));
    assert.deepEqual(cached.resolve("src/server.ts", "./db.js"), { kind: "file", path: "src/db.ts" });
    assert.deepEqual(createResolver(workspace).resolve("src/server.ts", "./db.js"), { kind: "unresolved" });
  });
});
