import { Body, Controller, Get, Param, Patch, Post, Put, Query, Res, UseGuards } from "@nestjs/common";
import type { Response } from "express";
import { JwtAuthGuard } from "../auth/jwt-auth.guard";
import { CreateInvoiceDto, UpdateInvoiceDto } from "./invoice.dto";
import { InvoicesService } from "./invoices.service";

@UseGuards(JwtAuthGuard)
@Controller("invoices")
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get()
  list(@Query("status") status: string) {
    return this.invoices.listByStatus(status);
  }

  @Get("search")
  search(@Query("customer") customer: string) {
    return this.invoices.searchByCustomer(customer);
  }

  @Post()
  create(@Body() dto: CreateInvoiceDto) {
    return this.invoices.create(dto);
  }

  @Patch(":id")
  update(@Param("id") id: string, @Body() changes: UpdateInvoiceDto) {
    return this.invoices.update(id, changes);
  }

  @Put(":id/raw")
  replace(@Param("id") id: string, @Body() body: Record<string, unknown>) {
    return this.invoices.replace(id, body);
  }

  @Get(":id/pdf")
  async pdf(@Param("id") id: string, @Query("template") template: string, @Res() res: Response) {
    res.sendFile(await this.invoices.renderPdf(id, template));
  }
}
