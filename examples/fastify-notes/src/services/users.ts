import argon2 from 'argon2';
import type { Pool } from 'pg';

export interface UserRow {
  id: number;
  email: string;
  display_name: string;
  password_hash: string;
}

export async function createUser(db: Pool, email: string, displayName: string, password: string): Promise<UserRow | undefined> {
  const hash = await argon2.hash(password);
  const { rows } = await db.query<UserRow>(
    `INSERT INTO users (email, display_name, password_hash) VALUES ($1, $2, $3)
     ON CONFLICT (email) DO NOTHING
     RETURNING id, email, display_name, password_hash`,
    [email.toLowerCase(), displayName, hash],
  );
  return rows[0];
}

export async function checkCredentials(db: Pool, email: string, password: string): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>('SELECT id, email, display_name, password_hash FROM users WHERE email = $1', [
    email.toLowerCase(),
  ]);
  const user = rows[0];
  if (!user || !(await argon2.verify(user.password_hash, password))) return undefined;
  return user;
}

export async function findByEmail(db: Pool, email: string): Promise<Pick<UserRow, 'id' | 'email'> | undefined> {
  const { rows } = await db.query<UserRow>('SELECT id, email FROM users WHERE email = $1', [email.toLowerCase()]);
  return rows[0];
}
