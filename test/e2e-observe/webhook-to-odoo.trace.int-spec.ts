import { randomInt } from 'node:crypto';

import { Topic } from '@app/contracts';
import { waitFor } from '@app/testing';

import { OtlpJsonReceiver, type ReceivedSpan, SpanKindCode } from './otlp-json-receiver';
import { sallaOrder } from './salla-orders';
import { ServiceStack } from './service-stack';
import { ancestry, describePath, serviceHops } from './trace-chain';

/**
 * Issue 8: one trace spans webhook HTTP (gateway) → Kafka → salla-connector → Kafka → odoo-connector → the
 * Odoo call. The three services run as their own processes with their real telemetry start-up and export
 * OTLP/HTTP JSON to a receiver in this test, as they would to the collector of the deployment.
 */
jest.setTimeout(600_000);

/** The messaging lib's own consumer span, parented by the message's trace headers (kafkajs' instrumentation
 * adds a `poll` root and `process` spans of its own: those only link to the producer). */
const MESSAGING_SCOPE = '@app/messaging';

describe('one trace from a Salla webhook to the Odoo call', () => {
  let receiver: OtlpJsonReceiver;
  let stack: ServiceStack;

  beforeAll(async () => {
    receiver = await OtlpJsonReceiver.start();
    stack = await ServiceStack.start({ env: receiver.exporterEnv() });
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('an order.created webhook is one trace, parent-linked across both Kafka hops, ending in the Odoo call', async () => {
    const storeId = await stack.installConnectedStore();
    await stack.waitForSyncReady(storeId);

    const order = sallaOrder(randomInt(100_000_000, 199_999_999), 1);
    await stack.poster.post(storeId, 'order.created', order.data);
    await waitFor(() => stack.saleOrdersFor(new Set([order.reference])).length === 1, {
      timeoutMs: 180_000,
      intervalMs: 250,
      description: `sale.order ${order.reference} in Odoo`,
    });

    // The odoo-connector's handling of this order's canonical event; its trace is the webhook's trace.
    const orderId = String(order.data.id);
    const handled = await waitFor(
      () =>
        receiver.spans.find(
          (s) =>
            s.service === 'odoo-connector' &&
            s.scope === MESSAGING_SCOPE &&
            s.kind === SpanKindCode.consumer &&
            s.attributes['messaging.destination.name'] === Topic.SalesOrderUpserted &&
            String(s.attributes['messaging.kafka.message.key'] ?? '').includes(orderId),
        ),
      { timeoutMs: 30_000, intervalMs: 250, description: 'odoo-connector span of the order event' },
    );
    const isOdooCall = (s: ReceivedSpan): boolean =>
      s.service === 'odoo-connector' &&
      s.kind === SpanKindCode.client &&
      String(s.attributes['url.full'] ?? '').startsWith(stack.odoo.url);
    // Spans are exported in batches; the Odoo calls end before the handler's span does.
    const odooCall = await waitFor(
      () =>
        receiver
          .inTrace(handled.traceId)
          .find((s) => isOdooCall(s) && ancestry(s, receiver.spans).length > 3),
      { timeoutMs: 30_000, intervalMs: 250, description: 'an Odoo call span in the order trace' },
    ).catch((err: unknown) => {
      const clientSpans = receiver.spans.filter((s) => s.scope === '@app/observability/undici').slice(-10);
      throw new Error(
        `${String(err)}\ntrace:\n${describePath(receiver.inTrace(handled.traceId))}\nlast client spans:\n${describePath(clientSpans)}`,
      );
    });
    const path = await waitFor(
      () => {
        const candidate = ancestry(odooCall, receiver.spans);
        return candidate[candidate.length - 1].parentSpanId === '' ? candidate : null;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'every ancestor of the Odoo call exported' },
    ).catch(() => ancestry(odooCall, receiver.spans));
    const why = `\n${describePath(path)}`;

    // Root: the gateway's HTTP server span of the webhook delivery.
    const root = path[path.length - 1];
    expect({ root: `${root.service} kind ${root.kind} ${root.name}`, why }).toEqual({
      root: expect.stringMatching(/^gateway kind 2 POST/),
      why,
    });
    expect(
      String(root.attributes['http.route'] ?? root.attributes['http.target'] ?? root.attributes['url.path']),
    ).toContain('/webhooks/salla');
    // One trace id all the way, crossing the services in this order.
    expect(new Set(path.map((s) => s.traceId))).toEqual(new Set([handled.traceId]));
    expect({ hops: serviceHops(path), why }).toEqual({
      hops: ['gateway', 'salla-connector', 'odoo-connector'],
      why,
    });
    // Each Kafka hop: the consumer's span is a child of the producing side's span (trace context in headers).
    const consumedBy = (service: string, topic: string) =>
      path.find(
        (s) =>
          s.service === service &&
          s.kind === SpanKindCode.consumer &&
          s.attributes['messaging.destination.name'] === topic,
      );
    const webhookConsumed = consumedBy('salla-connector', Topic.SallaWebhookReceived);
    const orderConsumed = consumedBy('odoo-connector', Topic.SalesOrderUpserted);
    expect({ webhookConsumed: Boolean(webhookConsumed), orderConsumed: Boolean(orderConsumed), why }).toEqual(
      {
        webhookConsumed: true,
        orderConsumed: true,
        why,
      },
    );
    const parentOf = (span: ReceivedSpan | undefined) => path.find((s) => s.spanId === span?.parentSpanId);
    expect(parentOf(webhookConsumed)?.service).toBe('gateway');
    expect(parentOf(orderConsumed)?.service).toBe('salla-connector');
    // The leaf: an HTTP call to the merchant's Odoo, answered.
    expect(odooCall.attributes['http.request.method']).toBe('POST');
    expect(odooCall.attributes['http.response.status_code']).toBe(200);
  });
});
