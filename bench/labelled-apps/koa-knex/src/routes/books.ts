import Router from "@koa/router";
import fs from "node:fs";
import path from "node:path";
import { db } from "../db.js";
import { requireMember } from "../middleware/auth.js";

export const books = new Router();
const SITE = "https://library.example.org";
const COVERS = path.resolve("covers");

books.get("/", async (ctx) => {
  const title = String(ctx.query.title ?? "");
  ctx.body = await db("books").select("id", "title", "author").whereRaw(`title ILIKE '%${title}%'`).limit(50);
});

books.get("/by-author", async (ctx) => {
  ctx.body = await db("books").select("id", "title").whereRaw("author = ?", [String(ctx.query.author ?? "")]).limit(50);
});

books.get("/stats", async (ctx) => {
  const year = ctx.query.year;
  const result = await db.raw(`SELECT count(*) AS loans FROM loans WHERE extract(year FROM loaned_at) = ${year}`);
  ctx.body = result.rows[0];
});

books.get("/:id/cover", async (ctx) => {
  ctx.type = "image/jpeg";
  ctx.body = fs.createReadStream(path.join(COVERS, ctx.params.id + ".jpg"));
});

books.get("/:id/thumbnail", async (ctx) => {
  const file = path.resolve(COVERS, `${Number(ctx.params.id)}.jpg`);
  ctx.type = "image/jpeg";
  ctx.body = fs.createReadStream(file);
});

books.post("/:id/loans", requireMember, async (ctx) => {
  const [loan] = await db("loans").insert({ book_id: ctx.params.id, member_id: ctx.state.member.sub }).returning("id");
  ctx.status = 201;
  ctx.body = loan;
});

books.get("/:id/return", requireMember, async (ctx) => {
  await db("loans").where({ book_id: ctx.params.id, member_id: ctx.state.member.sub }).update({ returned_at: db.fn.now() });
  ctx.redirect(String(ctx.query.next ?? "/"));
});

books.get("/:id/back", requireMember, async (ctx) => {
  const target = new URL(String(ctx.query.next ?? "/"), SITE);
  ctx.redirect(target.origin === SITE ? `${target.pathname}${target.search}` : "/");
});
