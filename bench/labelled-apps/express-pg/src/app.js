import express from "express";
import cors from "cors";
import pinoHttp from "pino-http";
import serveIndex from "serve-index";
import client from "prom-client";
import { productsRouter } from "./routes/products.js";
import { usersRouter } from "./routes/users.js";
import { filesRouter } from "./routes/files.js";
import { requireUser } from "./middleware/auth.js";

export const app = express();

app.use(pinoHttp());
app.use(express.json({ limit: "100kb" }));
app.use(cors({ origin: true, credentials: true }));

app.use("/exports", express.static("exports"), serveIndex("exports", { icons: true }));
app.use("/assets", express.static("public", { index: false, maxAge: "1d" }));

client.collectDefaultMetrics();
app.get("/metrics", async (req, res) => {
  res.set("Content-Type", client.register.contentType);
  res.end(await client.register.metrics());
});

app.use("/api/products", productsRouter);
app.use("/api/users", usersRouter);
app.use("/api/files", requireUser, filesRouter);

// Express calls a four-argument middleware with the error of any route above.
app.use((err, req, res, next) => {
  req.log.error(err);
  res.status(500).json({ error: err.message, stack: err.stack });
});
