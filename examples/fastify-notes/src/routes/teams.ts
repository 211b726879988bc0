import type { FastifyPluginAsync } from 'fastify';
import { userId } from '../types.js';
import { noteSchema, teamIdParams } from '../schemas/notes.js';
import { NOTE_COLUMNS, type Note } from '../services/notes.js';
import { findByEmail } from '../services/users.js';
import { notifyTeamWebhook } from '../services/webhooks.js';

interface TeamParams {
  teamId: number;
}

const teamSchema = {
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' }, role: { type: 'string' } },
} as const;

const teamRoutes: FastifyPluginAsync = async (fastify) => {
  async function requireMembership(teamId: number, memberId: number, role?: 'owner') {
    const { rows } = await fastify.db.query<{ role: string }>('SELECT role FROM team_members WHERE team_id = $1 AND user_id = $2', [
      teamId,
      memberId,
    ]);
    const membership = rows[0];
    if (!membership || (role && membership.role !== role)) {
      throw Object.assign(new Error('not allowed for this team'), { statusCode: 403 });
    }
  }

  fastify.get('/', { onRequest: [fastify.authenticate], schema: { response: { 200: { type: 'array', items: teamSchema } } } }, async (request) => {
    const { rows } = await fastify.db.query(
      `SELECT t.id, t.name, m.role FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.user_id = $1 ORDER BY t.name`,
      [userId(request)],
    );
    return rows;
  });

  fastify.route<{ Body: { name: string; webhookUrl?: string } }>({
    method: 'POST',
    url: '/',
    preHandler: [fastify.authenticate],
    schema: {
      body: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          webhookUrl: { type: 'string', format: 'uri', pattern: '^https://' },
        },
      },
      response: { 201: teamSchema },
    },
    handler: async (request, reply) => {
      const client = await fastify.db.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ id: number; name: string }>(
          'INSERT INTO teams (name, webhook_url, created_by) VALUES ($1, $2, $3) RETURNING id, name',
          [request.body.name, request.body.webhookUrl ?? null, userId(request)],
        );
        await client.query(`INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, 'owner')`, [rows[0].id, userId(request)]);
        await client.query('COMMIT');
        return reply.code(201).send({ ...rows[0], role: 'owner' });
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },
  });

  fastify.get<{ Params: TeamParams }>(
    '/:teamId/members',
    { onRequest: [fastify.authenticate], schema: { params: teamIdParams } },
    async (request) => {
      await requireMembership(request.params.teamId, userId(request));
      const { rows } = await fastify.db.query(
        `SELECT u.id, u.email, u.display_name AS "displayName", m.role
           FROM team_members m JOIN users u ON u.id = m.user_id
          WHERE m.team_id = $1
          ORDER BY u.display_name`,
        [request.params.teamId],
      );
      return rows;
    },
  );

  fastify.route<{ Params: TeamParams; Body: { email: string } }>({
    method: 'POST',
    url: '/:teamId/members',
    preHandler: [fastify.authenticate],
    schema: {
      params: teamIdParams,
      body: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
    },
    handler: async (request, reply) => {
      const { teamId } = request.params;
      await requireMembership(teamId, userId(request), 'owner');
      const invitee = await findByEmail(fastify.db, request.body.email);
      if (!invitee) return reply.code(404).send({ error: 'no user with that email' });
      await fastify.db.query('INSERT INTO team_members (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [teamId, invitee.id]);
      const { rows } = await fastify.db.query<{ webhook_url: string | null }>('SELECT webhook_url FROM teams WHERE id = $1', [teamId]);
      await notifyTeamWebhook(rows[0]?.webhook_url ?? null, { type: 'member.added', teamId, userId: invitee.id }, request.log);
      return reply.code(201).send({ id: invitee.id, email: invitee.email, role: 'member' });
    },
  });

  fastify.delete<{ Params: TeamParams & { userId: number } }>(
    '/:teamId/members/:userId',
    {
      onRequest: [fastify.authenticate],
      schema: {
        params: {
          type: 'object',
          required: ['teamId', 'userId'],
          properties: { teamId: { type: 'integer', minimum: 1 }, userId: { type: 'integer', minimum: 1 } },
        },
      },
    },
    async (request, reply) => {
      await requireMembership(request.params.teamId, userId(request), 'owner');
      await fastify.db.query(`DELETE FROM team_members WHERE team_id = $1 AND user_id = $2 AND role <> 'owner'`, [
        request.params.teamId,
        request.params.userId,
      ]);
      return reply.code(204).send();
    },
  );

  fastify.get<{ Params: TeamParams; Querystring: { sort: string; order: string } }>(
    '/:teamId/notes',
    {
      onRequest: [fastify.authenticate],
      schema: {
        params: teamIdParams,
        querystring: {
          type: 'object',
          properties: {
            sort: { type: 'string', default: 'updated_at' },
            order: { type: 'string', default: 'desc' },
          },
        },
        response: { 200: { type: 'array', items: noteSchema } },
      },
    },
    async (request) => {
      await requireMembership(request.params.teamId, userId(request));
      const { rows } = await fastify.db.query<Note>(
        `SELECT ${NOTE_COLUMNS} FROM notes n WHERE n.team_id = $1 ORDER BY n.${request.query.sort} ${request.query.order} LIMIT 200`,
        [request.params.teamId],
      );
      return rows;
    },
  );
};

export default teamRoutes;
