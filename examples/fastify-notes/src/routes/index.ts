import type { FastifyPluginAsync } from 'fastify';
import authRoutes from './auth.js';
import noteRoutes from './notes.js';
import teamRoutes from './teams.js';

const routes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/health', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => {
    await fastify.db.query('SELECT 1');
    return { status: 'ok' };
  });

  await fastify.register(authRoutes, { prefix: '/auth' });
  await fastify.register(noteRoutes, { prefix: '/notes' });
  await fastify.register(teamRoutes, { prefix: '/teams' });
};

export default routes;
