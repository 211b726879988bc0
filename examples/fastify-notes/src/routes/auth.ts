import type { FastifyPluginAsync } from 'fastify';
import { checkCredentials, createUser } from '../services/users.js';

const credentials = {
  type: 'object',
  required: ['email', 'password'],
  properties: {
    email: { type: 'string', format: 'email', maxLength: 254 },
    password: { type: 'string', minLength: 10, maxLength: 256 },
  },
} as const;

const tokenResponse = { 200: { type: 'object', properties: { token: { type: 'string' } } } } as const;

const authRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.post<{ Body: { email: string; password: string; displayName: string } }>(
    '/register',
    {
      schema: {
        body: {
          ...credentials,
          required: [...credentials.required, 'displayName'],
          properties: { ...credentials.properties, displayName: { type: 'string', minLength: 1, maxLength: 80 } },
        },
        response: { 201: tokenResponse[200] },
      },
    },
    async (request, reply) => {
      const { email, password, displayName } = request.body;
      const user = await createUser(fastify.db, email, displayName, password);
      if (!user) return reply.code(409).send({ error: 'email already registered' });
      return reply.code(201).send({ token: fastify.jwt.sign({ sub: String(user.id), email: user.email }) });
    },
  );

  fastify.post<{ Body: { email: string; password: string } }>(
    '/login',
    {
      config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: { body: credentials, response: tokenResponse },
    },
    async (request, reply) => {
      const user = await checkCredentials(fastify.db, request.body.email, request.body.password);
      if (!user) return reply.code(401).send({ error: 'invalid credentials' });
      return { token: fastify.jwt.sign({ sub: String(user.id), email: user.email }) };
    },
  );
};

export default authRoutes;
