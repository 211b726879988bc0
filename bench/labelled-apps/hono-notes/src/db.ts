import { MongoClient } from "mongodb";

const client = new MongoClient(process.env.MONGO_URL ?? "mongodb://localhost:27017", { serverSelectionTimeoutMS: 3000 });

export const notes = client.db("notes").collection("notes");
export const users = client.db("notes").collection("users");
