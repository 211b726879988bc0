export const config = {
  port: Number(process.env.PORT) || 8080,
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://localhost:5432/shop',
  jwtSecret: process.env.JWT_SECRET || 'supersecretjwtkey123!',
  jwtTtl: '12h' as const,
  corsOrigins: (process.env.CORS_ORIGINS ?? 'http://localhost:5173').split(','),
  payments: {
    baseUrl: process.env.PAYMENTS_BASE_URL ?? 'https://api.payments.example.com',
    apiKey: process.env.PAYMENTS_API_KEY ?? '',
  },
  shipping: {
    baseUrl: process.env.SHIPPING_BASE_URL ?? 'https://rates.shipping.example.com',
  },
};
