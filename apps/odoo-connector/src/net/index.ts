export { createGuardedAgent, type GuardedAgentOptions } from './guarded-agent';
export { guardedRequest, type GuardedRequestOptions, type GuardedResponse } from './guarded-request';
export {
  AllowList,
  checkOdooUrl,
  checkUrlShape,
  resolveCheckedAddress,
  type HostLookup,
  type ResolvedAddress,
  type SsrfPolicy,
} from './ssrf-policy';
export { displayUrl, OdooUrlRefusedError } from './url-refused.error';
