import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity("invoices")
export class Invoice {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column()
  customerId!: string;

  @Column("numeric", { precision: 12, scale: 2 })
  amount!: string;

  @Column({ default: "draft" })
  status!: string;

  @Column({ default: false })
  paid!: boolean;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}
