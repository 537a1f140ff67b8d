import { Controller, Get, NotFoundException, Param } from '@nestjs/common';

import { currentPolicy, POLICY_VERSIONS, type PolicyVersion } from './policy-versions';

/** The privacy policy is public: no token needed. */
@Controller('privacy/v1/policy')
export class PolicyController {
  @Get()
  current(): PolicyVersion {
    return currentPolicy();
  }

  @Get('versions')
  versions(): { versions: Array<Omit<PolicyVersion, 'text'>> } {
    return { versions: POLICY_VERSIONS.map(({ version, effectiveDate }) => ({ version, effectiveDate })) };
  }

  @Get('versions/:version')
  version(@Param('version') version: string): PolicyVersion {
    const found = POLICY_VERSIONS.find((v) => v.version === version);
    if (!found) throw new NotFoundException('no such policy version');
    return found;
  }
}
