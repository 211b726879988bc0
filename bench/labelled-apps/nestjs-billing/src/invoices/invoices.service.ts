import { Injectable } from "@nestjs/common";
import { InjectRepository } from "@nestjs/typeorm";
import { execSync, execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { DataSource, Repository } from "typeorm";
import { Invoice } from "./invoice.entity";
import { CreateInvoiceDto, UpdateInvoiceDto } from "./invoice.dto";

@Injectable()
export class InvoicesService {
  constructor(
    @InjectRepository(Invoice) private readonly repo: Repository<Invoice>,
    private readonly dataSource: DataSource,
  ) {}

  listByStatus(status: string) {
    return this.dataSource.query(`SELECT id, customer_id, amount FROM invoices WHERE status = '${status}' LIMIT 100`);
  }

  searchByCustomer(customer: string) {
    return this.dataSource.query("SELECT id, customer_id, amount FROM invoices WHERE customer_id = $1 LIMIT 100", [customer]);
  }

  create(dto: CreateInvoiceDto) {
    return this.repo.save(this.repo.create({ customerId: dto.customerId, amount: dto.amount }));
  }

  update(id: string, changes: UpdateInvoiceDto) {
    return this.repo.update(id, { amount: changes.amount, status: changes.status });
  }

  replace(id: string, body: Record<string, unknown>) {
    return this.repo.update(id, body);
  }

  async renderPdf(id: string, template: string): Promise<string> {
    const out = path.join(tmpdir(), `invoice-${randomUUID()}.pdf`);
    await this.repo.findOneByOrFail({ id });
    execSync(`wkhtmltopdf templates/${template}.html ${out}`);
    return out;
  }

  /** Page count of a rendered invoice, for the audit log. */
  pageCount(file: string): number {
    const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
    return Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0);
  }
}
