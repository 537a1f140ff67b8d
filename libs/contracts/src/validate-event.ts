import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';

import { EventEnvelope } from './envelope';

export type ValidationResult<P extends object> =
  { ok: true; event: EventEnvelope<P> } | { ok: false; problems: string[] };

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = `${prefix}${e.property}`;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...describe(e.children ?? [], `${path}.`)];
  });
}

/**
 * Validates a decoded message value as an envelope whose payload is an instance of `payloadClass`.
 * A failure is permanent by nature (retrying cannot fix a malformed message), so callers dead-letter it.
 */
export async function validateEvent<P extends object>(
  raw: unknown,
  payloadClass: new () => P,
  expectedType?: string,
): Promise<ValidationResult<P>> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: ['message value is not a JSON object'] };
  }
  const envelope = plainToInstance(EventEnvelope, raw) as EventEnvelope<P>;
  const problems = describe(await validate(envelope, { forbidUnknownValues: false }));
  const rawPayload = (raw as { payload?: unknown }).payload;
  if (rawPayload !== null && typeof rawPayload === 'object' && !Array.isArray(rawPayload)) {
    const payload = plainToInstance(payloadClass, rawPayload);
    problems.push(...describe(await validate(payload, { forbidUnknownValues: false }), 'payload.'));
    envelope.payload = payload;
  }
  if (expectedType !== undefined && envelope.type !== expectedType) {
    problems.push(`type: expected ${expectedType}, got ${String(envelope.type)}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, event: envelope };
}
