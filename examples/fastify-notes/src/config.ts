function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

export const config = {
  host: process.env.HOST ?? '0.0.0.0',
  port: Number(process.env.PORT ?? 3000),
  databaseUrl: env('DATABASE_URL'),
  jwtSecret: env('JWT_SECRET'),
  appUrl: process.env.APP_URL ?? 'http://localhost:5173',
  mailFrom: process.env.MAIL_FROM ?? 'notes@example.com',
};
