import { Topic } from '@app/contracts';

import { mapCustomer } from '../map-customer';
import type { SallaCustomer } from '../salla-resources';
import { emission, emitted, syncTranslator, type Translator } from '../translation.types';

/** `customer.created` / `customer.updated`: data is the whole customer. */
export const customerUpserted: Translator = syncTranslator((input) =>
  emitted(emission(Topic.CustomerUpserted, mapCustomer(input.data as SallaCustomer))),
);
