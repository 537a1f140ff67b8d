import type { SallaStoreInfo } from '../salla-types';
import type { ApiRoute } from './route-context';

export const storeRoutes: ApiRoute[] = [
  {
    method: 'GET',
    template: '/store/info',
    handler: ({ store }) => {
      const { id, name, domain, plan, currency } = store.profile;
      const info: SallaStoreInfo = {
        id: /^\d+$/.test(id) ? Number(id) : id,
        name,
        entity: 'company',
        email: `store${id}@example.test`,
        avatar: 'https://cdn.salla.sa/sim/store-avatar.png',
        plan,
        type: 'store',
        status: 'active',
        verified: true,
        currency,
        domain,
        description: name,
        licenses: { tax_number: '300000000000003', commercial_number: null, freelance_number: null },
        social: {
          telegram: null,
          twitter: null,
          facebook: null,
          maroof: null,
          youtube: null,
          snapchat: null,
        },
      };
      return { data: info };
    },
  },
];
