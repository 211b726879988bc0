// GraphQL front end: every Query/Mutation/Subscription field of the fixture servers is an
// endpoint with its declaration, its resolver and its auth; the model's `graphql` section holds
// what the GraphQL rules read (limits, introspection, field resolvers on list parents).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { validate } from "@readme/openapi-parser";
import { dirname, join } from "node:path";
import { ingest } from "../../src/ingest/index.ts";
import { toOpenApi } from "../../src/emit/openapi.ts";
import type { ArchitectureModel, Endpoint, SourceLocation } from "../../src/model/types.ts";

const at = (loc: SourceLocation | undefined) => (loc ? `${loc.file}:${loc.line}` : "-");

/** operation, where it is declared, where its resolver is, auth state, mechanisms, where auth is enforced. */
function operations(model: ArchitectureModel): string[][] {
  const handlers = new Map(model.handlers.map((h) => [h.id, h]));
  return model.endpoints
    .map((e: Endpoint) => [e.operationName ?? "?", at(e.location), at(e.handlerId ? handlers.get(e.handlerId)?.location : undefined), e.auth.state, e.auth.mechanisms.join(","), at(e.auth.enforcedAt)])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

describe("Apollo Server 4 on Express, schema-first across modules", async () => {
  const { model } = await ingest("test/fixtures/graphql-apollo");

  it("lists every operation with its declaration, its resolver and its auth", () => {
    assert.deepEqual(operations(model), [
      ["Mutation.addComment", "src/schema/comments.ts:19", "src/resolvers/comments.ts:15", "required", "inline", "src/resolvers/comments.ts:16"],
      ["Mutation.createArticle", "src/schema/schema.graphql:14", "src/resolvers/articles.ts:11", "required", "inline", "src/resolvers/articles.ts:13"],
      ["Mutation.deleteArticle", "src/schema/schema.graphql:15", "src/resolvers/articles.ts:17", "required", "directive:@auth", "src/schema/schema.graphql:15"],
      ["Mutation.login", "src/schema/users.ts:15", "src/resolvers/users.ts:10", "optional", "jwt.verify", "src/context.ts:19"],
      ["Query.article", "src/schema/schema.graphql:10", "src/resolvers/articles.ts:8", "optional", "jwt.verify", "src/context.ts:19"],
      ["Query.articles", "src/schema/schema.graphql:9", "src/resolvers/articles.ts:6", "optional", "jwt.verify", "src/context.ts:19"],
      ["Query.comments", "src/schema/comments.ts:15", "src/resolvers/comments.ts:9", "optional", "jwt.verify", "src/context.ts:19"],
      ["Query.me", "src/schema/users.ts:11", "src/resolvers/users.ts:7", "required", "inline", "src/resolvers/users.ts:7"],
      ["Subscription.commentAdded", "src/schema/comments.ts:23", "src/resolvers/comments.ts:24", "optional", "jwt.verify", "src/context.ts:19"],
    ]);
  });

  it("serves every operation as POST on the Express mount path, behind the mount's middleware and the context function", () => {
    for (const e of model.endpoints) {
      assert.equal(e.framework, "graphql");
      assert.equal(`${e.method} ${e.path}`, "POST /graphql");
      assert.equal(e.id, `blog-graphql POST /graphql ${e.operationName}`);
      assert.deepEqual(e.middleware.map((m) => `${m.name}:${m.kind}`), ["cors():cors", "express.json():body-parser", "context:optional-auth"]);
    }
    assert.equal(model.coverage.handlersLocated, 9);
    assert.deepEqual(model.coverage.warnings, []);
  });

  it("records the server: path, no depth or complexity limit, introspection forced on", () => {
    const [server] = model.graphql!.servers;
    assert.equal(model.graphql!.servers.length, 1);
    assert.equal(server.library, "@apollo/server");
    assert.equal(server.path, "/graphql");
    assert.equal(at(server.location), "src/server.ts:14");
    assert.equal(server.operations.length, 9);
    assert.equal(server.depthLimit, undefined);
    assert.equal(server.complexityLimit, undefined);
    assert.equal(server.introspection.state, "always");
    assert.equal(at(server.introspection.location), "src/server.ts:17");
  });

  it("finds the field resolvers that query per item of a list, through helpers across files", () => {
    const rows = model.graphql!.fieldResolvers.map((r) => [
      r.field,
      at(r.location),
      r.listParents.map((p) => `${p.field}@${at(p.location)}`).join(" "),
      r.dataAccesses.map((d) => `${d.call}@${at(d.location)}${d.via ? ` via ${at(d.via)}` : ""}`).join(" "),
      String(r.batched),
    ]);
    assert.deepEqual(rows, [
      ["Article.author", "src/resolvers/articles.ts:23", "Query.articles@src/schema/schema.graphql:9", "User.findByPk@src/resolvers/articles.ts:23", "false"],
      ["Article.comments", "src/resolvers/articles.ts:24", "Query.articles@src/schema/schema.graphql:9", "Pool.query@src/db/users.repo.ts:11 via src/resolvers/articles.ts:24", "false"],
      ["Comment.author", "src/resolvers/comments.ts:28", "Article.comments@src/schema/schema.graphql:28 Query.comments@src/schema/comments.ts:15", "Pool.query@src/db/users.repo.ts:6 via src/resolvers/comments.ts:28", "false"],
    ]);
  });

  it("gives OpenAPI one POST /graphql carrying the GraphQL request and the list of operations", async () => {
    const doc = toOpenApi(model) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    const validation = await validate(structuredClone(doc) as never);
    assert.equal(validation.valid, true, JSON.stringify(validation));
    assert.deepEqual(Object.keys(doc.paths), ["/graphql"]);
    assert.deepEqual(Object.keys(doc.paths["/graphql"]), ["post"]);
    const post = doc.paths["/graphql"].post;
    assert.equal(post.summary, "GraphQL endpoint");
    assert.deepEqual(post["x-bka-graphql-operations"], model.graphql!.servers[0].operations);
    assert.deepEqual(post.security, [{ bearerAuth: [] }, {}], "some operations require a token, others do not");
    assert.deepEqual((post.requestBody as { content: Record<string, { schema: { required: string[] } }> }).content["application/json"].schema.required, ["query"]);
  });
});

describe("type-graphql, code-first, with DataLoader and a depth limit", async () => {
  const { model } = await ingest("test/fixtures/graphql-typegraphql");

  it("lists every operation at its decorator, with its resolver method and @Authorized auth", () => {
    assert.deepEqual(operations(model), [
      ["Mutation.addComment", "src/resolvers/comment.resolver.ts:16", "src/resolvers/comment.resolver.ts:17", "required", "type-graphql:authChecker", "src/resolvers/comment.resolver.ts:15"],
      ["Mutation.createArticle", "src/resolvers/article.resolver.ts:23", "src/resolvers/article.resolver.ts:24", "required", "type-graphql:authChecker", "src/resolvers/article.resolver.ts:22"],
      ["Mutation.deleteArticle", "src/resolvers/article.resolver.ts:30", "src/resolvers/article.resolver.ts:31", "required", "type-graphql:authChecker", "src/resolvers/article.resolver.ts:29"],
      ["Query.article", "src/resolvers/article.resolver.ts:16", "src/resolvers/article.resolver.ts:17", "optional", "jwt.verify", "src/context.ts:16"],
      ["Query.articles", "src/resolvers/article.resolver.ts:10", "src/resolvers/article.resolver.ts:11", "optional", "jwt.verify", "src/context.ts:16"],
      ["Query.comments", "src/resolvers/comment.resolver.ts:9", "src/resolvers/comment.resolver.ts:10", "optional", "jwt.verify", "src/context.ts:16"],
    ]);
    for (const e of model.endpoints) assert.equal(`${e.method} ${e.path}`, "POST /", "startStandaloneServer serves at every path");
  });

  it("records the depth limit, introspection off in production, and batched field resolvers", () => {
    const [server] = model.graphql!.servers;
    assert.deepEqual(server.depthLimit, { library: "graphql-depth-limit", location: { file: "src/index.ts", line: 17, column: 21 }, max: 7 });
    assert.equal(server.introspection.state, "not-in-production");
    assert.equal(at(server.introspection.location), "src/index.ts:18");
    assert.deepEqual(
      model.graphql!.fieldResolvers.map((r) => `${r.field} ${r.listParents.map((p) => p.field).join(",")} batched=${r.batched} accesses=${r.dataAccesses.length}`),
      [
        "Article.author Query.articles batched=true accesses=0",
        "Article.comments Query.articles batched=true accesses=0",
        "Comment.author Article.comments,Query.comments batched=true accesses=0",
      ],
    );
  });
});

// ---- other servers, written to a temporary folder --------------------------------------------

const scratch = mkdtempSync(join(tmpdir(), "bka-graphql-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function project(name: string, files: Record<string, string>): string {
  const root = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("GraphQL Yoga with .graphql files loaded by glob", async () => {
  const root = project("yoga", {
    "package.json": JSON.stringify({ name: "yoga-api", dependencies: { "graphql-yoga": "5.0.0" } }),
    "src/schema/books.graphql": "type Query {\n  books: [Book!]!\n}\n\ntype Book {\n  title: String!\n  author: Author!\n}\n",
    "src/schema/authors.graphql": "type Author {\n  name: String!\n}\n\nextend type Query {\n  authors: [Author!]!\n}\n",
    "src/db.ts": "import { PrismaClient } from '@prisma/client';\nexport const db = new PrismaClient();\n",
    "src/server.ts": [
      "import { createServer } from 'node:http';",
      "import { join } from 'node:path';",
      "import { createSchema, createYoga } from 'graphql-yoga';",
      "import { useDepthLimit } from '@envelop/depth-limit';",
      "import { loadFilesSync } from '@graphql-tools/load-files';",
      "import { db } from './db.js';",
      "",
      "const yoga = createYoga({",
      "  schema: createSchema({",
      "    typeDefs: loadFilesSync(join(__dirname, 'schema/*.graphql')),",
      "    resolvers: {",
      "      Query: { books: () => db.book.findMany(), authors: () => db.author.findMany() },",
      "      Book: { author: (book) => db.author.findUnique({ where: { id: book.authorId } }) },",
      "    },",
      "  }),",
      "  plugins: [useDepthLimit({ maxDepth: 10 })],",
      "});",
      "",
      "createServer(yoga).listen(4000);",
    ].join("\n"),
  });
  const { model } = await ingest(root);

  it("reads the operations from the globbed files, at Yoga's default endpoint", () => {
    assert.deepEqual(operations(model).map((o) => o.slice(0, 3)), [
      ["Query.authors", "src/schema/authors.graphql:6", "src/server.ts:12"],
      ["Query.books", "src/schema/books.graphql:2", "src/server.ts:12"],
    ]);
    assert.deepEqual([...new Set(model.endpoints.map((e) => e.path))], ["/graphql"]);
  });

  it("records the Envelop depth limit, Yoga's always-on introspection, and Prisma's own findUnique batching", () => {
    const [server] = model.graphql!.servers;
    assert.deepEqual(server.depthLimit, { library: "@envelop/depth-limit", location: { file: "src/server.ts", line: 16, column: 13 }, max: 10 });
    assert.equal(server.introspection.state, "always");
    assert.deepEqual(server.introspection.location, server.location);
    assert.deepEqual(model.graphql!.fieldResolvers.map((r) => `${r.field} batched=${r.batched}`), ["Book.author batched=true"]);
  });
});

describe("Mercurius with an SDL string", async () => {
  const root = project("mercurius", {
    "package.json": JSON.stringify({ name: "merc-api", dependencies: { fastify: "5.0.0", mercurius: "15.0.0" } }),
    "src/app.js": [
      "const Fastify = require('fastify');",
      "const mercurius = require('mercurius');",
      "",
      "const schema = `",
      "  type Query {",
      "    add(x: Int, y: Int): Int",
      "  }",
      "`;",
      "const resolvers = { Query: { add: async (_, { x, y }) => x + y } };",
      "",
      "const app = Fastify();",
      "app.register(mercurius, {",
      "  schema,",
      "  resolvers,",
      "  graphiql: true,",
      "  queryDepth: 7,",
      "});",
      "app.listen({ port: 3000 });",
    ].join("\n"),
  });
  const { model } = await ingest(root);

  it("lists the operation and reads queryDepth and graphiql", () => {
    assert.deepEqual(operations(model), [["Query.add", "src/app.js:6", "src/app.js:9", "none", "", "-"]]);
    const [server] = model.graphql!.servers;
    assert.equal(server.path, "/graphql");
    assert.deepEqual(server.depthLimit, { library: "mercurius", location: { file: "src/app.js", line: 16, column: 3 }, max: 7 });
    assert.equal(server.introspection.state, "always");
    assert.equal(at(server.introspection.location), "src/app.js:15");
  });
});

describe("NestJS GraphQL, code-first with a passport guard", async () => {
  const root = project("nest", {
    "package.json": JSON.stringify({ name: "nest-api", dependencies: { "@nestjs/common": "10.0.0", "@nestjs/graphql": "12.0.0", "@nestjs/passport": "10.0.0" } }),
    "src/app.module.ts": [
      "import { Module } from '@nestjs/common';",
      "import { GraphQLModule } from '@nestjs/graphql';",
      "import { RecipesResolver } from './recipes.resolver';",
      "",
      "@Module({",
      "  imports: [GraphQLModule.forRoot({ autoSchemaFile: true, path: '/api/graphql', introspection: true })],",
      "  providers: [RecipesResolver],",
      "})",
      "export class AppModule {}",
    ].join("\n"),
    "src/gql-auth.guard.ts": "import { AuthGuard } from '@nestjs/passport';\nexport class GqlAuthGuard extends AuthGuard('jwt') {}\n",
    "src/recipes.resolver.ts": [
      "import { UseGuards } from '@nestjs/common';",
      "import { Args, Field, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';",
      "import { GqlAuthGuard } from './gql-auth.guard';",
      "",
      "@ObjectType()",
      "export class User { @Field(() => ID) id: string; }",
      "",
      "@ObjectType()",
      "export class Recipe { @Field(() => ID) id: string; authorId: string; }",
      "",
      "@Resolver(() => Recipe)",
      "export class RecipesResolver {",
      "  constructor(private readonly recipes: RecipesService, private readonly users: UsersService) {}",
      "",
      "  @Query(() => [Recipe])",
      "  recipes() { return this.recipes.findAll(); }",
      "",
      "  @UseGuards(GqlAuthGuard)",
      "  @Mutation(() => Recipe)",
      "  addRecipe(@Args('title') title: string) { return this.recipes.create(title); }",
      "",
      "  @ResolveField('author', () => User)",
      "  author(@Parent() recipe: Recipe) { return this.users.findOne(recipe.authorId); }",
      "}",
    ].join("\n"),
  });
  const { model } = await ingest(root);

  it("lists the resolver class's operations on the module's path, the guarded one required", () => {
    assert.deepEqual(operations(model).map((o) => o.slice(0, 4)), [
      ["Mutation.addRecipe", "src/recipes.resolver.ts:19", "src/recipes.resolver.ts:20", "required"],
      ["Query.recipes", "src/recipes.resolver.ts:15", "src/recipes.resolver.ts:16", "none"],
    ]);
    assert.deepEqual([...new Set(model.endpoints.map((e) => e.path))], ["/api/graphql"]);
    assert.equal(model.graphql!.servers[0].introspection.state, "always");
  });

  it("sees the per-item service lookup in the @ResolveField on a list parent", () => {
    assert.deepEqual(
      model.graphql!.fieldResolvers.map((r) => [r.field, r.listParents.map((p) => p.field).join(), r.dataAccesses.map((d) => `${d.call}@${at(d.location)}`).join(), r.batched]),
      [["Recipe.author", "Query.recipes", "users.findOne@src/recipes.resolver.ts:23", false]],
    );
  });
});

describe("apollo-server-express 3 with applyMiddleware, a guarding context and GraphQL Armor", async () => {
  const root = project("apollo3", {
    "package.json": JSON.stringify({ name: "apollo3", dependencies: { "apollo-server-express": "3.0.0", express: "4.0.0" } }),
    "src/auth.js": [
      "const jwt = require('jsonwebtoken');",
      "exports.requireAuth = (req) => {",
      "  const token = req.headers.authorization;",
      "  if (!token) throw new Error('401');",
      "  return { user: jwt.verify(token, process.env.SECRET) };",
      "};",
    ].join("\n"),
    "src/index.js": [
      "const express = require('express');",
      "const { ApolloServer, gql } = require('apollo-server-express');",
      "const { ApolloArmor } = require('@escape.tech/graphql-armor');",
      "const { NoSchemaIntrospectionCustomRule } = require('graphql');",
      "const { requireAuth } = require('./auth');",
      "",
      "const typeDefs = gql`type Query { hello: String }`;",
      "const armor = new ApolloArmor();",
      "const app = express();",
      "const server = new ApolloServer({",
      "  typeDefs,",
      "  resolvers: { Query: { hello: () => 'hi' } },",
      "  context: ({ req }) => requireAuth(req),",
      "  validationRules: [NoSchemaIntrospectionCustomRule],",
      "  ...armor.protect(),",
      "});",
      "server.start().then(() => server.applyMiddleware({ app, path: '/api/graphql' }));",
      "app.listen(4000);",
    ].join("\n"),
  });
  const { model } = await ingest(root);

  it("serves at the applyMiddleware path, every operation guarded by the context function", () => {
    assert.deepEqual(operations(model), [["Query.hello", "src/index.js:7", "src/index.js:12", "required", "jwt.verify", "src/index.js:13"]]);
    assert.equal(model.endpoints[0].path, "/api/graphql");
  });

  it("takes Armor's preset as depth and cost limits, and the introspection rule as introspection off", () => {
    const [server] = model.graphql!.servers;
    assert.equal(server.library, "apollo-server-express");
    assert.deepEqual([server.depthLimit?.library, at(server.depthLimit?.location)], ["@escape.tech/graphql-armor", "src/index.js:15"]);
    assert.deepEqual([server.complexityLimit?.library, at(server.complexityLimit?.location)], ["@escape.tech/graphql-armor", "src/index.js:15"]);
    assert.equal(server.introspection.state, "never");
  });
});

describe("schema files bka must not or cannot read", async () => {
  const root = project("edges/app", {
    "package.json": JSON.stringify({ name: "edges", dependencies: { "@apollo/server": "4.0.0" } }),
    "src/broken.graphql": "type Query {\n  ok: Int\n  broken(: Int\n}\n",
    "src/server.ts": [
      "import { readFileSync } from 'node:fs';",
      "import { join } from 'node:path';",
      "import { ApolloServer } from '@apollo/server';",
      "",
      "const outside = readFileSync(join(__dirname, '../../outside.graphql'), 'utf8');",
      "const broken = readFileSync(join(__dirname, 'broken.graphql'), 'utf8');",
      "export const server = new ApolloServer({ typeDefs: [outside, broken], resolvers: {} });",
    ].join("\n"),
  });
  writeFileSync(join(scratch, "edges", "outside.graphql"), "type Query { secret: String }\n");
  const { model } = await ingest(root);

  it("never reads a file outside the reviewed folder, and reports a syntax error with its line", () => {
    assert.deepEqual(model.endpoints, []);
    assert.deepEqual(model.coverage.warnings.filter((w) => /GraphQL/.test(w)), [
      "../outside.graphql: GraphQL schema file not read (outside the reviewed folder)",
      "src/broken.graphql:3: GraphQL syntax error (Syntax Error: Expected Name, found \":\".); its types were not read",
      "src/server.ts:7: no operation of this GraphQL server could be read (its schema is built in a way bka does not follow)",
    ]);
  });
});
