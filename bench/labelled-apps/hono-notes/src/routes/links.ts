import { Hono } from "hono";
import { requireSession } from "../lib/session.js";

export const linksRoutes = new Hono();
linksRoutes.use("*", requireSession);

const SITE = "https://notes.example.com";
const PREVIEW_HOSTS = new Set(["www.youtube.com", "vimeo.com"]);

linksRoutes.get("/preview", async (c) => {
  const response = await fetch(c.req.query("url") ?? "");
  const html = await response.text();
  return c.json({ title: /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? null });
});

linksRoutes.get("/embed", async (c) => {
  const target = new URL(c.req.query("url") ?? "");
  if (target.protocol !== "https:" || !PREVIEW_HOSTS.has(target.hostname)) return c.json({ error: "host not allowed" }, 400);
  const oembed = `https://${target.hostname}/oembed?url=${encodeURIComponent(target.href)}`;
  const response = await fetch(oembed, { signal: AbortSignal.timeout(3000) });
  return c.json(await response.json());
});

linksRoutes.get("/out", (c) => {
  return c.redirect(c.req.query("to") ?? "/");
});

linksRoutes.get("/home", (c) => {
  const target = new URL(c.req.query("to") ?? "/", SITE);
  return c.redirect(target.origin === SITE ? `${target.pathname}${target.search}` : "/");
});
