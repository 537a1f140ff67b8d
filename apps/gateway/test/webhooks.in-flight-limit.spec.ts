import { InFlightLimit } from '../src/webhooks/in-flight-limit';

describe('InFlightLimit', () => {
  it('admits up to the limit, refuses beyond it, and admits again once one leaves', () => {
    const limit = new InFlightLimit(2);
    expect(limit.tryEnter()).toBe(true);
    expect(limit.tryEnter()).toBe(true);
    expect(limit.tryEnter()).toBe(false);
    expect(limit.inFlight).toBe(2);
    limit.leave();
    expect(limit.tryEnter()).toBe(true);
    expect(limit.tryEnter()).toBe(false);
  });

  it('never counts below zero when leave is called too often', () => {
    const limit = new InFlightLimit(1);
    limit.leave();
    expect(limit.inFlight).toBe(0);
    expect(limit.tryEnter()).toBe(true);
    expect(limit.tryEnter()).toBe(false);
  });
});
