export const config = {
  jwtSecret: "s3cr3t-shop-signing-key-2024",
  jwtIssuer: "shop-api",
  uploadsDir: process.env.UPLOADS_DIR ?? "/var/lib/shop/uploads",
  publicOrigin: process.env.PUBLIC_ORIGIN ?? "https://shop.example.com",
};
