import type { DataClass, RetentionRule } from '@app/contracts';

import type { PrivacyServiceEnv } from '../privacy-service.env';

/**
 * The retention policy: how many days each swept data class lives. `configuration` lives while the app is
 * installed (erased on uninstall) and `privacy_records` is kept for accountability, so neither has a rule.
 */
export function retentionRulesOf(env: PrivacyServiceEnv): RetentionRule[] {
  const days: Record<Exclude<DataClass, 'configuration' | 'privacy_records'>, number> = {
    activity_logs: env.RETENTION_ACTIVITY_LOGS_DAYS,
    error_reports: env.RETENTION_ERROR_REPORTS_DAYS,
    technical_info: env.RETENTION_TECHNICAL_INFO_DAYS,
    webhook_duplicate_claims: env.RETENTION_WEBHOOK_DUPLICATE_CLAIMS_DAYS,
    admin_access_audit: env.RETENTION_ADMIN_ACCESS_AUDIT_DAYS,
    finished_exports: env.RETENTION_FINISHED_EXPORTS_DAYS,
  };
  return Object.entries(days).map(([dataClass, retentionDays]) => ({
    dataClass: dataClass as DataClass,
    retentionDays,
  }));
}
