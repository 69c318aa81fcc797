/** Row types of the gateway's tables (migrations.ts). */
export interface GatewayQuotaRow {
  app: string;
  requests_per_minute: number | string | null;
  records_per_day: number | string | null;
  bytes_per_day: number | string | null;
  updated_at: string;
  updated_by: string;
}

export interface GatewayUsageRow {
  app: string;
  period: string;
  requests: number | string;
  records: number | string;
  bytes: number | string;
}

declare module '../db/tables.ts' {
  interface Tables {
    gateway_quotas: GatewayQuotaRow;
    gateway_usage: GatewayUsageRow;
  }
}
