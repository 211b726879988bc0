import { IsNumberString, IsOptional, IsString, IsUUID } from "class-validator";

export class CreateInvoiceDto {
  @IsUUID()
  customerId!: string;

  @IsNumberString()
  amount!: string;
}

export class UpdateInvoiceDto {
  @IsOptional()
  @IsNumberString()
  amount?: string;

  @IsOptional()
  @IsString()
  status?: string;
}
