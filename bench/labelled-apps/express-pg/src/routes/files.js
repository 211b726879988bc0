import express, { Router } from "express";
import { execFile, exec } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import AdmZip from "adm-zip";
import { config } from "../config.js";

export const filesRouter = Router();
const scratch = (name) => path.join(os.tmpdir(), name);
const zipBody = express.raw({ type: "application/zip", limit: "20mb" });

filesRouter.get("/download/:name", (req, res) => {
  res.sendFile(path.join(config.uploadsDir, req.params.name));
});

filesRouter.get("/preview/:name", (req, res) => {
  res.sendFile(path.basename(req.params.name), { root: config.uploadsDir });
});

filesRouter.post("/thumbnail", (req, res, next) => {
  exec(`convert ${req.body.file} -resize 200x200 ${scratch("thumb.png")}`, (err) => {
    if (err) return next(err);
    res.sendFile(scratch("thumb.png"));
  });
});

filesRouter.post("/resize", (req, res, next) => {
  const source = path.join(config.uploadsDir, path.basename(String(req.body.file)));
  execFile("convert", [source, "-resize", "400x400", scratch("resized.png")], (err) => {
    if (err) return next(err);
    res.sendFile(scratch("resized.png"));
  });
});

filesRouter.post("/import", zipBody, (req, res) => {
  const zip = new AdmZip(req.body);
  for (const entry of zip.getEntries()) {
    fs.writeFileSync(path.join(config.uploadsDir, entry.entryName), entry.getData());
  }
  res.status(204).end();
});

filesRouter.post("/restore", zipBody, (req, res) => {
  const root = path.resolve(config.uploadsDir);
  const zip = new AdmZip(req.body);
  for (const entry of zip.getEntries()) {
    const target = path.resolve(root, entry.entryName);
    if (!target.startsWith(root + path.sep)) return res.status(400).json({ error: "entry outside the uploads folder" });
    fs.writeFileSync(target, entry.getData());
  }
  res.status(204).end();
});
