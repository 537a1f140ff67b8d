import type { RunningService } from '@app/bootstrap';
import { startGroupsAtTopicEnds, uniqueName } from '@app/testing';

import { bootAdminGateway } from '../admin-harness';

/**
 * The admin gateway in-process (see admin-harness), its consumer groups — the read models' and the
 * dead-letter indexer's — starting at the topic ends: it sees what this test produces, not the backlog.
 */
export async function bootAdminGatewayAtTopicEnds(
  kafkaBrokers: string[],
  mongoUri: string,
): Promise<RunningService> {
  const groupId = uniqueName('admin-gw');
  // The indexer's group is `<KAFKA_GROUP_ID>.admin-dead-letters` (DeadLetterIndexer.groupId).
  await startGroupsAtTopicEnds(kafkaBrokers, [groupId, `${groupId}.admin-dead-letters`]);
  const { gateway } = await bootAdminGateway(kafkaBrokers, mongoUri, { KAFKA_GROUP_ID: groupId });
  return gateway;
}
