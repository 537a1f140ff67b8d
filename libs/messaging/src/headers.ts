import type { IHeaders } from 'kafkajs';

/** Headers this library writes. Everything else in a message's headers belongs to the producer. */
export const MessagingHeaders = {
  /** On a dead-letter message: how many processing attempts were made (1 = failed on the first try). */
  Attempt: 'x-attempt',
  DltReason: 'x-dlt-reason',
  DltService: 'x-dlt-service',
  DltSourceTopic: 'x-dlt-source-topic',
  DltSourcePartition: 'x-dlt-source-partition',
  DltSourceOffset: 'x-dlt-source-offset',
  DltFailedAt: 'x-dlt-failed-at',
} as const;

/** Longest `x-dlt-reason` we write; validation reports can be long and headers are not a log. */
const MAX_REASON_LENGTH = 2000;

/** Kafka headers as strings (UTF-8); a repeated header keeps its last value. */
export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last === undefined) continue;
    out[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return out;
}

export interface DeadLetterInfo {
  reason: string;
  service: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  attempts: number;
  failedAt: Date;
}

/**
 * Headers of a dead-letter message: every original header, byte for byte, plus ours. Ours win on a name
 * clash, so a message replayed from a DLT and failing again carries its latest failure.
 */
export function deadLetterHeaders(original: IHeaders | undefined, info: DeadLetterInfo): IHeaders {
  const reason =
    info.reason.length > MAX_REASON_LENGTH ? `${info.reason.slice(0, MAX_REASON_LENGTH - 1)}…` : info.reason;
  return {
    ...(original ?? {}),
    [MessagingHeaders.DltReason]: reason,
    [MessagingHeaders.DltService]: info.service,
    [MessagingHeaders.DltSourceTopic]: info.sourceTopic,
    [MessagingHeaders.DltSourcePartition]: String(info.sourcePartition),
    [MessagingHeaders.DltSourceOffset]: info.sourceOffset,
    [MessagingHeaders.Attempt]: String(info.attempts),
    [MessagingHeaders.DltFailedAt]: info.failedAt.toISOString(),
  };
}
