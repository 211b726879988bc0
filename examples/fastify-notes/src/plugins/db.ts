import fp from 'fastify-plugin';
import pg from 'pg';

export default fp<{ connectionString: string }>(
  async (fastify, { connectionString }) => {
    const pool = new pg.Pool({ connectionString, max: 10, statement_timeout: 5_000 });
    fastify.decorate('db', pool);
    fastify.addHook('onClose', () => pool.end());
  },
  { name: 'db' },
);
