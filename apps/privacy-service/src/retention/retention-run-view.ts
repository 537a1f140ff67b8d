import type { RetentionRun } from './retention-run.schema';

/** The per-run report: counts per data class and service, plus which services have not reported. */
export function retentionRunView(run: RetentionRun): Record<string, unknown> {
  const perClass: Record<string, Record<string, number>> = {};
  for (const [service, report] of Object.entries(run.reports)) {
    for (const c of report.counts) {
      const row = (perClass[c.dataClass] ??= {});
      row[service] = (row[service] ?? 0) + c.deleted;
    }
  }
  const pending = run.expectedServices.filter((s) => !run.reports[s]);
  return {
    runId: run._id,
    trigger: run.trigger,
    startedAt: run.startedAt.toISOString(),
    status: pending.length === 0 ? 'completed' : 'in_progress',
    rules: run.rules.map((r) => ({ dataClass: r.dataClass, retentionDays: r.retentionDays })),
    deletedByClassAndService: perClass,
    services: Object.fromEntries(
      Object.entries(run.reports).map(([service, r]) => [
        service,
        {
          outcome: r.outcome,
          counts: r.counts,
          details: r.details ?? null,
          completedAt: r.completedAt.toISOString(),
        },
      ]),
    ),
    pendingServices: pending,
  };
}
