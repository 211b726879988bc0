import { createApp } from "./app.js";
import { db } from "./db.js";

const server = createApp().listen(Number(process.env.PORT ?? 3000));

process.on("SIGTERM", () => {
  server.close(() => {
    void db.destroy().then(() => process.exit(0));
  });
});
