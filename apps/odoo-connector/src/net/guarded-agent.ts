import { Agent, buildConnector } from 'undici';

import { AllowList, checkUrlShape, resolveCheckedAddress, type SsrfPolicy } from './ssrf-policy';

export interface GuardedAgentOptions extends SsrfPolicy {
  /** TCP + TLS connect timeout (default 10 s). */
  connectTimeoutMs?: number;
  /** How long an idle kept-alive connection is kept (default 30 s; the server may close it sooner). */
  keepAliveTimeoutMs?: number;
  /** Extra undici Agent options (timeouts, connections per origin...). `connect` is ours. */
  agent?: Omit<Agent.Options, 'connect'>;
}

/**
 * An undici Agent that resolves each target host itself, refuses blocked addresses (see `blocked-ranges.ts`)
 * and opens the socket to THE ADDRESS IT CHECKED. Nothing resolves the name a second time, so a DNS answer
 * that changes between the check and the connection (DNS rebinding) cannot redirect it. TLS still verifies
 * the certificate against the host name: undici derives the SNI/servername from the original `host`.
 * Kept-alive sockets are reused per origin, and each was opened through this check.
 */
export function createGuardedAgent(options: GuardedAgentOptions = {}): Agent {
  const { connectTimeoutMs = 10_000, keepAliveTimeoutMs = 30_000, agent = {}, ...policy } = options;
  const allow = new AllowList(policy.allowHosts);
  const connectSocket = buildConnector({ timeout: connectTimeoutMs });

  const connect: buildConnector.connector = (target, callback) => {
    const origin = `${target.protocol}//${target.host ?? target.hostname}`;
    const check = async (): Promise<string> => {
      checkUrlShape(origin, policy, allow);
      return (await resolveCheckedAddress(target.hostname, policy, allow, origin)).address;
    };
    check().then(
      (address) => connectSocket({ ...target, hostname: address }, callback),
      (err: Error) => callback(err, null),
    );
  };

  return new Agent({ keepAliveTimeout: keepAliveTimeoutMs, ...agent, connect });
}
