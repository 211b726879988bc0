import Fastify from 'fastify';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import dbPlugin from './plugins/db.js';
import authPlugin from './plugins/auth.js';
import routes from './routes/index.js';
import { config } from './config.js';
import './types.js';

const fastify = Fastify({ logger: true });

await fastify.register(helmet);
await fastify.register(cors, { origin: [config.appUrl] });
await fastify.register(rateLimit, { max: 300, timeWindow: '1 minute' });
await fastify.register(dbPlugin, { connectionString: config.databaseUrl });
await fastify.register(authPlugin, { secret: config.jwtSecret });
await fastify.register(routes, { prefix: '/api/v1' });

const close = async () => {
  await fastify.close();
  process.exit(0);
};
process.on('SIGTERM', close);
process.on('SIGINT', close);

await fastify.listen({ host: config.host, port: config.port });
