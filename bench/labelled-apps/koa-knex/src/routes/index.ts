import Router from "@koa/router";
import { books } from "./books.js";
import { members } from "./members.js";
import { imports } from "./imports.js";

export const router = new Router({ prefix: "/api" });

router.use("/books", books.routes());
router.use("/members", members.routes());
router.use("/imports", imports.routes());
