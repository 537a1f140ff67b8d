export {
  startFakeOdoo,
  type FakeOdoo,
  type FakeOdooCall,
  type FakeOdooOptions,
  type FakeOdooProtocol,
} from './fake-odoo';
export { FakeDatabase, type Rec } from './fake-database';
export { FakeOdooError } from './fake-odoo-error';
export { isStorable, saleLineTaxField, type FakeOdooStyle } from './models';
export { lineAmounts, round2 } from './money';
export { countStock, deliveriesOf, mainStockLocation, moveDoneField, validateDelivery } from './stock-models';
