import { PRIVACY_POLICY_V1 } from './privacy-policy.v1';

export interface PolicyVersion {
  version: string;
  /** YYYY-MM-DD from which this version applies. */
  effectiveDate: string;
  text: string;
}

/** Every published version, oldest first. */
export const POLICY_VERSIONS: readonly PolicyVersion[] = [PRIVACY_POLICY_V1];

/** The version in force at `now`: the latest whose effective date has come (else the first). */
export function currentPolicy(now: Date = new Date()): PolicyVersion {
  const today = now.toISOString().slice(0, 10);
  const inForce = POLICY_VERSIONS.filter((v) => v.effectiveDate <= today);
  return inForce[inForce.length - 1] ?? POLICY_VERSIONS[0];
}
