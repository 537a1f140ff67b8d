import { isHandledSallaEvent, SALLA_HANDLED_WEBHOOK_EVENTS } from '../src';

describe('the handled Salla webhook events', () => {
  it('covers the app lifecycle, orders, products, customers, categories, shipping companies and shipments', () => {
    for (const name of [
      'app.store.authorize',
      'app.uninstalled',
      'app.settings.updated',
      'app.subscription.renewed',
      'order.created',
      'order.status.updated',
      'product.quantity.low',
      'product.updated',
      'customer.updated',
      'category.deleted',
      'shipping.company.created',
      'shipment.updated',
    ]) {
      expect(isHandledSallaEvent(name)).toBe(true);
    }
  });

  it('leaves out events that carry personal data or nothing sync uses', () => {
    for (const name of [
      'customer.login',
      'customer.otp.request',
      'review.added',
      'abandoned.cart',
      'communication.sms.send',
      'product.image.updated',
      'product.channels.changed',
      'brand.created',
      'app.feedback.created',
      'order.shipment.creating',
      '',
      'ORDER.CREATED',
    ]) {
      expect(isHandledSallaEvent(name)).toBe(false);
    }
    expect(isHandledSallaEvent(42)).toBe(false);
  });

  it('lists each name once', () => {
    expect(new Set(SALLA_HANDLED_WEBHOOK_EVENTS).size).toBe(SALLA_HANDLED_WEBHOOK_EVENTS.length);
  });
});
