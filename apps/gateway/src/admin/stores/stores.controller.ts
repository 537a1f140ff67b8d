import { Controller, Get, NotFoundException, Param, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { nestPathOf } from '../admin-routes';
import { AdminRoute } from '../auth/admin-route.decorator';
import { PRINCIPAL_FIELD, type WithPrincipal } from '../auth/principal';
import { BusinessDataAccess } from '../grants/business-data-access';
import { storeIdParam, validInput } from '../http/validate-input';
import { ActivityRepository } from './activity.repository';
import { storeDetails, storeMetadata } from './store-presenter';
import { StoreViewsRepository } from './store-views.repository';
import { ActivityQuery, StoreListQuery } from './stores.dto';

type AdminRequest = FastifyRequest & WithPrincipal;

@Controller('admin/v1')
export class StoresController {
  constructor(
    private readonly stores: StoreViewsRepository,
    private readonly activity: ActivityRepository,
    private readonly access: BusinessDataAccess,
  ) {}

  /** The list shows operational metadata only, whoever asks: names and domains are on the detail page. */
  @Get(nestPathOf('listStores'))
  @AdminRoute('listStores')
  async list(@Query() raw: unknown): Promise<unknown> {
    const q = await validInput(StoreListQuery, raw);
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const found = await this.stores.search({
      q: q.q,
      installState: q.installState,
      odooState: q.odooState,
      hasFailures: q.hasFailures === undefined ? undefined : q.hasFailures === 'true',
      limit,
      skip: offset,
    });
    return { items: found.map(storeMetadata), limit, offset };
  }

  @Get(nestPathOf('getStore'))
  @AdminRoute('getStore')
  async get(@Param('id') id: string, @Req() req: AdminRequest): Promise<unknown> {
    const storeId = storeIdParam(id);
    const view = await this.stores.findOne(storeId);
    if (!view) throw new NotFoundException();
    const principal = req[PRINCIPAL_FIELD];
    const full = principal ? await this.access.canSee(principal, storeId) : false;
    return { ...(full ? storeDetails(view) : storeMetadata(view)), businessData: full };
  }

  @Get(nestPathOf('listActivity'))
  @AdminRoute('listActivity')
  async listActivity(@Param('id') id: string, @Query() raw: unknown): Promise<unknown> {
    const storeId = storeIdParam(id);
    const q = await validInput(ActivityQuery, raw);
    const limit = q.limit ?? 50;
    const entries = await this.activity.page(storeId, { ...q, limit });
    const last = entries.at(-1);
    return {
      items: entries.map(({ _id, storeId: _s, occurredAt, ...rest }) => ({
        ...rest,
        occurredAt: occurredAt.toISOString(),
      })),
      nextBefore: entries.length === limit && last ? last.occurredAt.toISOString() : null,
    };
  }
}
