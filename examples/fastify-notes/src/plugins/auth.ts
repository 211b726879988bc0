import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';

export default fp<{ secret: string }>(
  async (fastify, { secret }) => {
    await fastify.register(jwt, { secret, sign: { expiresIn: '1h' } });

    fastify.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        await request.jwtVerify();
      } catch (err) {
        request.log.info({ err }, 'rejected request with a missing or invalid token');
        reply.code(401).send({ error: 'Unauthorized' });
      }
    });
  },
  { name: 'auth' },
);
