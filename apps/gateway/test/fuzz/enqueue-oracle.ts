import { isHandledSallaEvent } from '@app/contracts';

import type { IntakeMessage } from '../support/webhook-harness';

import type { FuzzCase } from './fuzz-cases';

/**
 * Why `message` should not be in Kafka, or null if it is a legitimate intake of `sent` (the request with the
 * same body hash): authentic, answered `accepted`, well-formed JSON whose handled event, store and data are
 * exactly what the message carries. Checked independently of the gateway's own parser.
 */
export function forgeryIn(
  message: IntakeMessage,
  sent: { case: FuzzCase; accepted: boolean } | undefined,
  openedData: unknown,
): string | null {
  const sha = message.headers['x-body-sha256'];
  if (sent === undefined) return `message for a body the fuzzer never sent (sha ${sha})`;
  if (!sent.case.authentic) return `case #${sent.case.index} was not authentic but reached Kafka`;
  if (!sent.accepted) return `case #${sent.case.index} reached Kafka but was not answered accepted`;
  let body: Record<string, unknown>;
  try {
    // A leading UTF-8 BOM is skipped by Fastify's JSON parser, as RFC 8259 allows; JSON.parse would refuse it.
    body = JSON.parse(sent.case.body.toString('utf8').replace(/^\ufeff/, '')) as Record<string, unknown>;
  } catch {
    return `case #${sent.case.index} is not JSON but reached Kafka`;
  }
  if (typeof body.event !== 'string' || !isHandledSallaEvent(body.event))
    return `case #${sent.case.index}: event ${JSON.stringify(body.event)} is not handled but reached Kafka`;
  if (message.headers['x-salla-event'] !== body.event)
    return `case #${sent.case.index}: event header differs`;
  const merchant = typeof body.merchant === 'string' ? body.merchant.trim() : String(body.merchant);
  if (message.headers['x-store-id'] !== merchant || message.value.storeId !== merchant)
    return `case #${sent.case.index}: store ${message.headers['x-store-id']} is not the body's merchant ${merchant}`;
  if (body.data === null || typeof body.data !== 'object' || Array.isArray(body.data))
    return `case #${sent.case.index}: data is not an object but reached Kafka`;
  if (JSON.stringify(openedData) !== JSON.stringify(body.data))
    return `case #${sent.case.index}: the sealed data differs from the body's data`;
  return null;
}
