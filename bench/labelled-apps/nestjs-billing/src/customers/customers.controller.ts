import { Body, Controller, Delete, Get, HttpCode, Param, Post } from "@nestjs/common";
import { IsEmail, IsString } from "class-validator";
import { DataSource } from "typeorm";

class CreateCustomerDto {
  @IsString()
  name!: string;

  @IsEmail()
  email!: string;
}

@Controller("customers")
export class CustomersController {
  constructor(private readonly dataSource: DataSource) {}

  @Get(":id")
  get(@Param("id") id: string) {
    return this.dataSource.query("SELECT id, name FROM customers WHERE id = $1", [id]);
  }

  @Post()
  create(@Body() dto: CreateCustomerDto) {
    return this.dataSource.query("INSERT INTO customers (name, email) VALUES ($1, $2) RETURNING id", [dto.name, dto.email]);
  }

  @Delete(":id")
  @HttpCode(204)
  async remove(@Param("id") id: string) {
    await this.dataSource.query("DELETE FROM customers WHERE id = $1", [id]);
  }
}
