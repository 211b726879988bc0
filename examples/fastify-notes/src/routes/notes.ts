import type { FastifyPluginAsync } from 'fastify';
import { userId } from '../types.js';
import { createNoteBody, idParams, listNotesQuery, noteSchema, updateNoteBody } from '../schemas/notes.js';
import { createNote, deleteOwnNote, findReadable, listNotes, shareNote, updateOwnNote } from '../services/notes.js';
import { findByEmail } from '../services/users.js';
import { notifyTeamWebhook } from '../services/webhooks.js';
import { sendMail } from '../services/mailer.js';
import { config } from '../config.js';

interface IdParams {
  id: number;
}

const noteRoutes: FastifyPluginAsync = async (fastify) => {
  // Every note route needs a signed-in user.
  fastify.addHook('onRequest', fastify.authenticate);

  fastify.get<{ Querystring: { q?: string; pinned?: boolean; limit: number; offset: number } }>(
    '/',
    { schema: { querystring: listNotesQuery, response: { 200: { type: 'array', items: noteSchema } } } },
    async (request) => listNotes(fastify.db, userId(request), request.query),
  );

  fastify.post<{ Body: { title: string; body: string; pinned: boolean; teamId?: number } }>(
    '/',
    { schema: { body: createNoteBody, response: { 201: noteSchema } } },
    async (request, reply) => {
      const note = await createNote(fastify.db, userId(request), request.body);
      if (note.teamId !== null) {
        const { rows } = await fastify.db.query<{ webhook_url: string | null }>('SELECT webhook_url FROM teams WHERE id = $1', [note.teamId]);
        await notifyTeamWebhook(rows[0]?.webhook_url ?? null, { type: 'note.created', teamId: note.teamId, noteId: note.id, title: note.title }, request.log);
      }
      return reply.code(201).send(note);
    },
  );

  fastify.get<{ Params: IdParams }>('/:id', { schema: { params: idParams, response: { 200: noteSchema } } }, async (request, reply) => {
    const note = await findReadable(fastify.db, userId(request), request.params.id);
    return note ?? reply.code(404).send({ error: 'note not found' });
  });

  fastify.patch<{ Params: IdParams; Body: { title?: string; body?: string; pinned?: boolean } }>(
    '/:id',
    { schema: { params: idParams, body: updateNoteBody, response: { 200: noteSchema } } },
    async (request, reply) => {
      const note = await updateOwnNote(fastify.db, userId(request), request.params.id, request.body);
      return note ?? reply.code(404).send({ error: 'note not found' });
    },
  );

  fastify.delete<{ Params: IdParams }>('/:id', { schema: { params: idParams } }, async (request, reply) => {
    const deleted = await deleteOwnNote(fastify.db, userId(request), request.params.id);
    return reply.code(deleted ? 204 : 404).send();
  });

  fastify.post<{ Params: IdParams; Body: { email: string; permission: 'read' | 'write' } }>('/:id/share', async (request, reply) => {
    const { email, permission } = request.body;
    const note = await findReadable(fastify.db, userId(request), Number(request.params.id));
    if (!note) return reply.code(404).send({ error: 'note not found' });
    const recipient = await findByEmail(fastify.db, email);
    if (!recipient) return reply.code(404).send({ error: 'no user with that email' });
    await shareNote(fastify.db, note.id, recipient.id, permission);
    await sendMail({
      to: recipient.email,
      subject: `${request.user.email} shared "${note.title}" with you`,
      text: `Open it at ${config.appUrl}/notes/${note.id}`,
    });
    return reply.code(204).send();
  });
};

export default noteRoutes;
