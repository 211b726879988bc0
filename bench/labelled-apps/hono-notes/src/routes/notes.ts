import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { ObjectId } from "mongodb";
import { notes } from "../db.js";
import { requireSession } from "../lib/session.js";

export const notesRoutes = new Hono();
notesRoutes.use("*", requireSession);

const newNote = z.object({ title: z.string().max(200), body: z.string().max(20_000) });

notesRoutes.get("/", async (c) => {
  const tag = c.req.query("tag");
  return c.json(await notes.find({ owner: c.get("userId"), $where: `this.tags.indexOf('${tag}') >= 0` }).limit(100).toArray());
});

notesRoutes.get("/tagged", async (c) => {
  const tag = String(c.req.query("tag") ?? "");
  return c.json(await notes.find({ owner: c.get("userId"), tags: tag }).limit(100).toArray());
});

notesRoutes.post("/search", async (c) => {
  const body = await c.req.json();
  return c.json(await notes.find({ owner: c.get("userId"), title: body.title }).limit(100).toArray());
});

notesRoutes.post("/", zValidator("json", newNote), async (c) => {
  const { title, body } = c.req.valid("json");
  const { insertedId } = await notes.insertOne({ owner: c.get("userId"), title, body, tags: [] });
  return c.json({ id: insertedId }, 201);
});

notesRoutes.get("/grep", async (c) => {
  const pattern = new RegExp(c.req.query("q") ?? "");
  const all = await notes.find({ owner: c.get("userId") }).limit(500).toArray();
  return c.json(all.filter((n) => pattern.test(n.body)));
});

notesRoutes.post("/:id/formula", async (c) => {
  const { expression } = await c.req.json();
  const note = await notes.findOne({ _id: new ObjectId(c.req.param("id")), owner: c.get("userId") });
  const compute = new Function("note", `return ${expression};`);
  return c.json({ value: compute(note) });
});

notesRoutes.post("/:id/word-count", async (c) => {
  const note = await notes.findOne({ _id: new ObjectId(c.req.param("id")), owner: c.get("userId") });
  if (!note) return c.json({ error: "not found" }, 404);
  return c.json({ words: String(note.body).split(/\s+/).filter(Boolean).length });
});

notesRoutes.delete("/:id", async (c) => {
  try {
    await notes.deleteOne({ _id: new ObjectId(c.req.param("id")), owner: c.get("userId") });
  } catch (err) {
    console.error("database unavailable", err);
    process.exit(1);
  }
  return c.body(null, 204);
});
