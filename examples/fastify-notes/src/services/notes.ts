import type { Pool } from 'pg';

export interface Note {
  id: number;
  title: string;
  body: string;
  pinned: boolean;
  teamId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export const NOTE_COLUMNS =
  'n.id, n.title, n.body, n.pinned, n.team_id AS "teamId", n.created_at AS "createdAt", n.updated_at AS "updatedAt"';

/** Notes a user may read: their own, shared with them, or in one of their teams. */
const READABLE = `(
  n.owner_id = $1
  OR EXISTS (SELECT 1 FROM note_shares s WHERE s.note_id = n.id AND s.user_id = $1)
  OR EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = n.team_id AND m.user_id = $1)
)`;

export async function listNotes(
  db: Pool,
  userId: number,
  filter: { q?: string; pinned?: boolean; limit: number; offset: number },
): Promise<Note[]> {
  const { rows } = await db.query<Note>(
    `SELECT ${NOTE_COLUMNS}
       FROM notes n
      WHERE ${READABLE}
        AND ($2::text IS NULL OR n.title ILIKE '%' || $2 || '%' OR n.body ILIKE '%' || $2 || '%')
        AND ($3::boolean IS NULL OR n.pinned = $3)
      ORDER BY n.pinned DESC, n.updated_at DESC
      LIMIT $4 OFFSET $5`,
    [userId, filter.q ?? null, filter.pinned ?? null, filter.limit, filter.offset],
  );
  return rows;
}

export async function findReadable(db: Pool, userId: number, noteId: number): Promise<Note | undefined> {
  const { rows } = await db.query<Note>(`SELECT ${NOTE_COLUMNS} FROM notes n WHERE n.id = $2 AND ${READABLE}`, [userId, noteId]);
  return rows[0];
}

export async function createNote(
  db: Pool,
  ownerId: number,
  input: { title: string; body: string; pinned: boolean; teamId?: number },
): Promise<Note> {
  const { rows } = await db.query<Note>(
    `INSERT INTO notes AS n (owner_id, title, body, pinned, team_id)
     VALUES ($1, $2, $3, $4, $5)
     RETURNING ${NOTE_COLUMNS}`,
    [ownerId, input.title, input.body, input.pinned, input.teamId ?? null],
  );
  return rows[0];
}

export async function updateOwnNote(
  db: Pool,
  ownerId: number,
  noteId: number,
  changes: { title?: string; body?: string; pinned?: boolean },
): Promise<Note | undefined> {
  const { rows } = await db.query<Note>(
    `UPDATE notes AS n
        SET title = COALESCE($3, n.title), body = COALESCE($4, n.body), pinned = COALESCE($5, n.pinned), updated_at = now()
      WHERE n.id = $2 AND n.owner_id = $1
      RETURNING ${NOTE_COLUMNS}`,
    [ownerId, noteId, changes.title ?? null, changes.body ?? null, changes.pinned ?? null],
  );
  return rows[0];
}

export async function deleteOwnNote(db: Pool, ownerId: number, noteId: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM notes WHERE id = $1 AND owner_id = $2', [noteId, ownerId]);
  return (rowCount ?? 0) > 0;
}

export async function shareNote(db: Pool, noteId: number, userId: number, permission: string): Promise<void> {
  await db.query(
    `INSERT INTO note_shares (note_id, user_id, permission) VALUES ($1, $2, $3)
     ON CONFLICT (note_id, user_id) DO UPDATE SET permission = EXCLUDED.permission`,
    [noteId, userId, permission],
  );
}
