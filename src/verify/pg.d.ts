// The part of node-postgres (pg 8) that proofs on a --database-url server use; pg ships no types.
declare module "pg" {
  export interface QueryResult {
    rows: Record<string, unknown>[];
  }
  export class Client {
    constructor(options: { connectionString: string });
    connect(): Promise<void>;
    /** Several statements in one text (no parameters) resolve to one result per statement. */
    query(sql: string): Promise<QueryResult | QueryResult[]>;
    end(): Promise<void>;
  }
  const pg: { Client: typeof Client };
  export default pg;
}
