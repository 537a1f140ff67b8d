import { createHash } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';

import { APP_CONFIG } from '@app/config';
import { isHandledSallaEvent } from '@app/contracts';

import type { GatewayEnv } from '../gateway.env';

import { DeliveryClaimsRepository } from './delivery-claims.repository';
import { ErasedStoreGate } from './erased-store-gate';
import { type IntakeResult, IntakeResults } from './intake-result';
import { parseEnvelope, parseEventName, type SallaEnvelope } from './parse-envelope';
import { WebhookPublisher, WebhookTooLargeError } from './publish-webhook';
import { type Headers, verifySallaDelivery } from './verify-signature';
import { type IntakeOutcome, webhookMetrics } from './webhook-metrics';

/** One HTTP delivery as Fastify parsed it: headers, the exact body bytes, and the parsed JSON. */
export interface WebhookDelivery {
  headers: Headers;
  rawBody: Buffer | undefined;
  body: unknown;
}

/**
 * A `pending` claim younger than this is a first attempt still in flight (answer 503, Salla retries later);
 * older, its owner is presumed dead (crashed between claim and publish) and the claim is taken over. Must
 * exceed the longest a publish may take (KAFKA_PUBLISH_TIMEOUT_MS) plus sealing and the claim writes.
 */
export const CLAIM_TAKEOVER_AFTER_MS = 60_000;
/** Retry-After on a 503. Salla retries about 5 minutes later whatever we say; this is for other callers. */
export const RETRY_AFTER_SECONDS = 60;

/**
 * `POST /webhooks/salla`: verify → parse → handled? → store not erased? → claim (dedupe) → seal + publish
 * (acked) → 200.
 *
 * The promise: a delivery answered 200 is in Kafka; a forged one never gets in; a retry never becomes a
 * second message. Failure to reach Kafka (or Mongo) answers 503 with the claim released, so Salla's retry is
 * processed. Bodies are never logged or stored; only hashes, event names and store ids.
 */
@Injectable()
export class WebhookIntakeUseCase {
  private readonly logger = new Logger('WebhookIntake');
  private readonly takeoverAfterMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayEnv,
    private readonly claims: DeliveryClaimsRepository,
    private readonly publisher: WebhookPublisher,
    private readonly erasedStores: ErasedStoreGate,
  ) {
    this.takeoverAfterMs = Math.max(CLAIM_TAKEOVER_AFTER_MS, 2 * config.KAFKA_PUBLISH_TIMEOUT_MS);
  }

  async execute(delivery: WebhookDelivery): Promise<IntakeResult> {
    const started = performance.now();
    const [outcome, result] = await this.process(delivery);
    webhookMetrics.latency.record((performance.now() - started) / 1000, { outcome });
    return result;
  }

  private async process(delivery: WebhookDelivery): Promise<[IntakeOutcome, IntakeResult]> {
    const rawBody = delivery.rawBody;
    if (rawBody === undefined) {
      // Fastify only keeps the raw bytes of bodies it parsed (JSON); without them nothing can be verified.
      return this.invalid({ field: 'body', error: 'body must be JSON (Content-Type: application/json)' });
    }

    const verified = verifySallaDelivery(delivery.headers, rawBody, this.config.SALLA_WEBHOOK_SECRET);
    if (!verified.ok) {
      webhookMetrics.rejected.add(1, { reason: verified.reason });
      this.logger.warn({ msg: 'webhook rejected', reason: verified.reason, bodyBytes: rawBody.length });
      return ['rejected', IntakeResults.invalidSignature()];
    }

    // Only the event name is read before deciding; an event we do not handle is never looked at further.
    const event = parseEventName(delivery.body);
    if (!event.ok) return this.invalid(event.problem);
    if (!isHandledSallaEvent(event.value)) {
      webhookMetrics.ignored.add(1, { event: event.value });
      this.logger.log({ msg: 'webhook ignored: event not handled', event: event.value });
      return ['ignored', IntakeResults.ignored()];
    }

    const envelope = parseEnvelope(delivery.body);
    if (!envelope.ok) return this.invalid(envelope.problem, event.value);

    return this.deliver(envelope.value, createHash('sha256').update(rawBody).digest('hex'));
  }

  /** Claim → publish → mark published; or the duplicate / in-flight / unavailable answers. */
  private async deliver(envelope: SallaEnvelope, bodySha256: string): Promise<[IntakeOutcome, IntakeResult]> {
    const storeId = envelope.merchant;
    const log = { storeId, event: envelope.event, bodySha256 };
    const receivedAt = new Date();

    try {
      if (!(await this.erasedStores.admits(storeId, envelope.event, receivedAt))) {
        webhookMetrics.erasedStore.add(1, { event: envelope.event });
        this.logger.log({ msg: 'webhook dropped: the store was erased (app uninstalled)', ...log });
        return ['ignored', IntakeResults.storeUninstalled()];
      }
    } catch (err) {
      return this.unavailable('webhook erasure check failed (database)', log, err);
    }

    let claimedAt: Date;
    try {
      const attempt = await this.claims.claim(storeId, bodySha256, envelope.event, receivedAt);
      if (attempt.claimed) {
        claimedAt = attempt.claimedAt;
      } else if (attempt.existing.status === 'published') {
        webhookMetrics.duplicate.add(1);
        this.logger.log({ msg: 'webhook duplicate: already published', ...log });
        return ['duplicate', IntakeResults.duplicate()];
      } else {
        const age = receivedAt.getTime() - new Date(attempt.existing.claimedAt).getTime();
        const stale = age >= this.takeoverAfterMs;
        if (
          !stale ||
          !(await this.claims.takeOver(storeId, bodySha256, attempt.existing.claimedAt, receivedAt))
        ) {
          return this.unavailable('webhook copy while the first attempt is in flight', log);
        }
        this.logger.warn({ msg: 'webhook claim taken over from a stalled attempt', ageMs: age, ...log });
        claimedAt = receivedAt;
      }
    } catch (err) {
      return this.unavailable('webhook claim failed (database)', log, err);
    }

    try {
      await this.publisher.publish(envelope, bodySha256, receivedAt);
    } catch (err) {
      await this.claims.release(storeId, bodySha256, claimedAt).catch((releaseErr: unknown) => {
        // The claim stays pending; a retry after the takeover window takes it over and publishes.
        this.logger.error({ msg: 'webhook claim release failed', ...log, err: releaseErr });
      });
      if (err instanceof WebhookTooLargeError) {
        webhookMetrics.rejected.add(1, { reason: 'too-large' });
        this.logger.warn({ msg: 'webhook too large to forward', ...log, sealedBytes: err.bytes });
        return ['invalid', IntakeResults.tooLarge()];
      }
      return this.unavailable('webhook publish failed; claim released for the retry', log, err);
    }

    try {
      await this.claims.markPublished(storeId, bodySha256, new Date());
    } catch (err) {
      // Kafka has it, so the answer is 200. The pending claim still blocks a copy for the takeover window.
      this.logger.warn({ msg: 'webhook published but its claim could not be marked published', ...log, err });
    }
    webhookMetrics.accepted.add(1);
    this.logger.log({ msg: 'webhook accepted', ...log });
    return ['accepted', IntakeResults.accepted()];
  }

  private invalid(
    problem: Parameters<typeof IntakeResults.invalid>[0],
    event?: string,
  ): [IntakeOutcome, IntakeResult] {
    webhookMetrics.rejected.add(1, { reason: 'invalid-envelope' });
    this.logger.warn({ msg: 'webhook envelope invalid', field: problem.field, event });
    return ['invalid', IntakeResults.invalid(problem)];
  }

  private unavailable(
    msg: string,
    log: Record<string, unknown>,
    err?: unknown,
  ): [IntakeOutcome, IntakeResult] {
    webhookMetrics.unavailable.add(1);
    this.logger.warn({ msg, ...log, ...(err === undefined ? {} : { err }) });
    return ['unavailable', IntakeResults.unavailable(RETRY_AFTER_SECONDS)];
  }
}
