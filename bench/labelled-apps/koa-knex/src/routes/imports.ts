import Router from "@koa/router";
import yaml from "js-yaml";
import serialize from "node-serialize";
import { db } from "../db.js";
import { requireMember } from "../middleware/auth.js";

export const imports = new Router();

imports.post("/catalogue", requireMember, async (ctx) => {
  const catalogue = yaml.load(String(ctx.request.body), { schema: yaml.JSON_SCHEMA }) as { books: { title: string; author: string }[] };
  await db("books").insert(catalogue.books.map(({ title, author }) => ({ title, author })));
  ctx.status = 204;
});

imports.post("/preferences", requireMember, async (ctx) => {
  const preferences = serialize.unserialize(ctx.cookies.get("prefs") ?? "{}");
  ctx.body = { theme: preferences.theme };
});

imports.post("/shelf", requireMember, async (ctx) => {
  const shelf = JSON.parse(String(ctx.request.body)) as { ids: number[] };
  ctx.body = await db("books").whereIn("id", shelf.ids.map(Number)).select("id", "title");
});
