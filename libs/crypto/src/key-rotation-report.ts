import { StoreKeyReencrypted, type StoreKeyRotated } from '@app/contracts';

/** What one service did for a key rotation: how many sealed values it moved to the active key, or why not. */
export interface ReencryptionResult {
  reencryptedCount: number;
  /** Kinds of values looked at ('salla tokens'), never a value. */
  details: string;
  /** Set when the service could not finish; the privacy service announces the rotation again later. */
  error?: unknown;
}

/**
 * The `ops.store-key.reencrypted.v1` payload and the activity-log wording every service uses to answer a
 * rotation, so the admin activity log reads the same whoever reports. Error texts are class + message of
 * our own errors (never a value).
 */
export function keyReencryptionReport(
  service: string,
  rotated: StoreKeyRotated,
  result: ReencryptionResult,
): { report: StoreKeyReencrypted; message: string } {
  const report = Object.assign(new StoreKeyReencrypted(), {
    requestId: rotated.requestId,
    service,
    outcome: result.error === undefined ? 'reencrypted' : 'failed',
    reencryptedCount: result.reencryptedCount,
    activeKeyId: rotated.activeKeyId,
    details: (result.error === undefined
      ? result.details
      : `${result.details}: ${describeError(result.error)}`
    ).slice(0, 1024),
    completedAt: new Date().toISOString(),
  } satisfies StoreKeyReencrypted);
  const message =
    result.error === undefined
      ? `Data key rotation: ${result.reencryptedCount} stored secret(s) re-encrypted under the new key (${result.details})`
      : `Data key rotation: re-encrypting stored secrets failed (${result.details}); it is retried`;
  return { report, message };
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error';
}
