import { Controller, Get, Header, UseGuards } from "@nestjs/common";
import { register } from "prom-client";
import { JwtAuthGuard } from "../auth/jwt-auth.guard";

@Controller("metrics")
export class MetricsController {
  @UseGuards(JwtAuthGuard)
  @Get()
  @Header("Content-Type", register.contentType)
  metrics() {
    return register.metrics();
  }
}
