import { Hono } from "hono";
import { cors } from "hono/cors";
import { logger } from "hono/logger";
import { secureHeaders } from "hono/secure-headers";
import { notesRoutes } from "./routes/notes.js";
import { linksRoutes } from "./routes/links.js";
import { accountRoutes } from "./routes/account.js";

export const app = new Hono();

app.use(logger());
app.use(secureHeaders());
app.use("/api/*", cors({ origin: ["https://notes.example.com"], credentials: true }));

app.route("/api/notes", notesRoutes);
app.route("/api/links", linksRoutes);
app.route("/api/account", accountRoutes);

app.onError((err, c) => {
  console.error(err);
  return c.json({ error: "internal error" }, 500);
});
