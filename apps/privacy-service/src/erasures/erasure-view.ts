import type { Stored } from '@app/persistence';

import type { ErasureRequest } from './erasure-request.schema';

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

/**
 * The API's view of a request: status, deadline, and the receipt — per service what was erased (counts),
 * what a legal hold kept and why, whether the store's key is shredded. No personal data.
 */
export function erasureView(r: Stored<ErasureRequest>): Record<string, unknown> {
  const services = r.expectedServices.map((service) => {
    const receipt = r.receipts[service];
    return receipt
      ? {
          service,
          outcome: receipt.outcome,
          erasedCount: receipt.erasedCount,
          keptCount: receipt.keptCount ?? 0,
          keptDataClasses: receipt.keptDataClasses ?? [],
          keyShredded: receipt.keyShredded ?? null,
          details: receipt.details ?? null,
          completedAt: iso(receipt.completedAt),
        }
      : { service, outcome: 'pending' };
  });
  const receipts = Object.values(r.receipts);
  const done = r.status === 'completed' || r.status === 'failed';
  return {
    requestId: r._id,
    storeId: r.storeId,
    scope: 'store',
    source: r.source,
    reason: r.reason ?? null,
    status: r.status,
    receivedAt: iso(r.receivedAt),
    dueBy: iso(r.dueBy),
    startedAt: iso(r.startedAt),
    completedAt: iso(r.completedAt),
    failure: r.failure ?? null,
    receipt: done
      ? {
          keyShredded: r.keyShredded,
          totalErased: receipts.reduce((n, x) => n + x.erasedCount, 0),
          kept:
            r.heldDataClasses.length > 0
              ? {
                  dataClasses: r.heldDataClasses,
                  reason: r.legalHoldReason ?? null,
                  until: iso(r.legalHoldUntil),
                  count: receipts.reduce((n, x) => n + (x.keptCount ?? 0), 0),
                }
              : null,
          services,
          lateWrites: {
            sweptAt: iso(r.lateSweepPublishedAt),
            skipped: r.lateSweepSkipped ?? null,
            removed: r.lateWritesRemoved ?? {},
          },
        }
      : null,
    pendingServices: r.expectedServices.filter((s) => !r.receipts[s]),
  };
}
