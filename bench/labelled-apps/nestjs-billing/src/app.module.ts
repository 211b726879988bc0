import { Module } from "@nestjs/common";
import { TypeOrmModule } from "@nestjs/typeorm";
import { AuthModule } from "./auth/auth.module";
import { InvoicesModule } from "./invoices/invoices.module";
import { CustomersModule } from "./customers/customers.module";
import { MetricsController } from "./metrics/metrics.controller";

@Module({
  imports: [
    TypeOrmModule.forRoot({ type: "postgres", url: process.env.DATABASE_URL, autoLoadEntities: true }),
    AuthModule,
    InvoicesModule,
    CustomersModule,
  ],
  controllers: [MetricsController],
})
export class AppModule {}
