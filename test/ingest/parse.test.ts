import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildLineStarts, isParseFailure, lineColumnOf, parseSource } from "../../src/ingest/js/parse.ts";
import type { ParsedSource, ParseOutcome } from "../../src/ingest/js/parse.ts";

const fixture = (path: string) => readFileSync(fileURLToPath(new URL(`../fixtures/workspace/${path}`, import.meta.url)), "utf8");

function parsed(outcome: ParseOutcome): ParsedSource {
  if (isParseFailure(outcome)) assert.fail(`expected a program, got ${outcome.error.message} at ${outcome.error.line}:${outcome.error.column}`);
  return outcome;
}

describe("parseSource", () => {
  test("parses a TypeScript module: program, static imports, no errors", () => {
    const result = parsed(parseSource("src/routes/orders.ts", fixture("single-express/src/routes/orders.ts")));
    assert.deepEqual(result.errors, []);
    assert.equal(result.program.sourceType, "module");
    assert.deepEqual(result.program.body.map((node) => node.type), ["ImportDeclaration", "ImportDeclaration", "ExportNamedDeclaration", "ExpressionStatement", "ExpressionStatement"]);
    assert.deepEqual(result.module.staticImports.map((entry) => entry.moduleRequest.value), ["express", "../db.js"]);
  });

  test("a file that cannot be parsed gives the first error's line and column", () => {
    const outcome = parseSource("src/handlers/items.ts", fixture("half-edited/src/handlers/items.ts"));
    assert.ok(isParseFailure(outcome));
    assert.deepEqual(outcome.error, { message: "Expected `,` or `)` but found `return`", line: 8, column: 3 });
    assert.deepEqual(outcome.errors[0], outcome.error);
  });

  test("CommonJS with a top-level return parses, in .cjs and in plain .js", () => {
    const seed = parsed(parseSource("scripts/seed.cjs", fixture("single-express/scripts/seed.cjs")));
    assert.deepEqual(seed.errors, []);
    assert.equal(seed.program.hashbang?.value, "/usr/bin/env node");
    const plain = parsed(parseSource("bin/start.js", "const app = require('./app');\nif (!app) return;\napp.listen(3000);\n"));
    assert.deepEqual(plain.errors, []);
    assert.equal(plain.program.body.length, 3);
  });

  test("a recoverable error keeps the program and lists the error", () => {
    const result = parsed(parseSource("src/main.mjs", "import { run } from './run.mjs';\nif (process.env.SKIP) return;\nawait run();\n"));
    assert.equal(result.program.body.length, 3);
    assert.deepEqual(result.errors, [{ message: "A 'return' statement can only be used within a function body.", line: 2, column: 23 }]);
  });

  test("JSX in a .js file, TSX, and TypeScript-only syntax in .mts/.cts", () => {
    assert.equal(parsed(parseSource("views/page.js", "export const Page = () => <main>{title}</main>;\n")).errors.length, 0);
    assert.equal(parsed(parseSource("ui/app.tsx", "const f = <T,>(x: T) => <div>{String(x)}</div>;\n")).errors.length, 0);
    assert.equal(parsed(parseSource("a.mts", "export const n: number = <number>(1 as unknown);\n")).program.sourceType, "module");
    assert.equal(parsed(parseSource("a.cts", "import fs = require('fs');\nexport = fs;\n")).errors.length, 0);
  });

  test("offsets are UTF-16 code units, so lineColumnOf agrees with String indexes", () => {
    const text = "const greeting = 'héllo 😀';\nrouter.get('/ü', handler);\n";
    const result = parsed(parseSource("a.js", text));
    const call = result.program.body[1];
    assert.equal(call.start, text.indexOf("router"));
    assert.deepEqual(lineColumnOf(result.lineStarts, call.start), { line: 2, column: 1 });
    const handler = text.indexOf("handler");
    assert.deepEqual(lineColumnOf(result.lineStarts, handler), { line: 2, column: handler - text.indexOf("\n") });
    assert.equal(result.comments.length, 0);
  });

  test("comments come back with their offsets", () => {
    const text = "// entry point\nexport {}; /* trailing */\n";
    const result = parsed(parseSource("a.ts", text));
    assert.deepEqual(
      result.comments.map(({ type, value, start }) => ({ type, value, start })),
      [
        { type: "Line", value: " entry point", start: 0 },
        { type: "Block", value: " trailing ", start: text.indexOf("/*") },
      ],
    );
  });
});

describe("buildLineStarts and lineColumnOf", () => {
  test("line starts follow \\n; \\r\\n keeps the \\r on its line", () => {
    assert.deepEqual(buildLineStarts(""), [0]);
    assert.deepEqual(buildLineStarts("a\nbc\r\nd\n"), [0, 2, 6, 8]);
  });

  test("1-based line and column by binary search, at every boundary", () => {
    const starts = buildLineStarts("ab\ncde\n\nf");
    const expected = [
      [0, 1, 1], [1, 1, 2], [2, 1, 3], [3, 2, 1], [5, 2, 3], [6, 2, 4], [7, 3, 1], [8, 4, 1], [9, 4, 2],
    ];
    for (const [offset, line, column] of expected) assert.deepEqual(lineColumnOf(starts, offset), { line, column }, `offset ${offset}`);
  });

  test("agrees with a line-by-line count on a real file", () => {
    const text = fixture("monorepo/apps/api/src/routes/users.ts");
    const starts = buildLineStarts(text);
    const offset = text.indexOf("reply.code(404)");
    const before = text.slice(0, offset).split("\n");
    assert.deepEqual(lineColumnOf(starts, offset), { line: before.length, column: before[before.length - 1].length + 1 });
  });
});
