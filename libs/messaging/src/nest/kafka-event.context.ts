import { BaseRpcContext } from '@nestjs/microservices';

import type { MessageMeta } from '../consumer-types';

/** The `@Ctx()` of a `@KafkaEvent` handler: the message's metadata. */
export class KafkaEventContext extends BaseRpcContext<[MessageMeta]> {
  constructor(meta: MessageMeta) {
    super([meta]);
  }

  getMeta(): MessageMeta {
    return this.args[0];
  }

  getTopic(): string {
    return this.args[0].topic;
  }

  getPartition(): number {
    return this.args[0].partition;
  }

  getOffset(): string {
    return this.args[0].offset;
  }

  getKey(): string | null {
    return this.args[0].key;
  }

  getHeaders(): Record<string, string> {
    return this.args[0].headers;
  }

  /** 1 on the first try, 2 on the first retry... */
  getAttempt(): number {
    return this.args[0].attempt;
  }

  /** Aborted when shutdown stops waiting for this handler. */
  getSignal(): AbortSignal {
    return this.args[0].signal;
  }
}
