import { PositionWaiters } from './wait-for-position';

describe('PositionWaiters', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves the waiters an advance covers, in position order, and leaves the others waiting', async () => {
    const waiters = new PositionWaiters();
    const resolved: string[] = [];
    for (const p of ['30', '5', '12', '13']) void waiters.wait(p, 1000, () => new Error(p)).then(() => resolved.push(p));
    waiters.advance('4');
    await Promise.resolve();
    expect(resolved).toEqual([]);
    waiters.advance('12');
    await Promise.resolve();
    expect(resolved).toEqual(['5', '12']);
    expect(waiters.size).toBe(2);
    waiters.advance('100');
    await Promise.resolve();
    expect(resolved).toEqual(['5', '12', '13', '30']);
    expect(waiters.size).toBe(0);
  });

  it('rejects with the error of its own timeout and forgets the waiter', async () => {
    const waiters = new PositionWaiters();
    const late = waiters.wait('9', 50, () => new Error('behind'));
    jest.advanceTimersByTime(49);
    expect(waiters.size).toBe(1);
    jest.advanceTimersByTime(1);
    await expect(late).rejects.toThrow('behind');
    expect(waiters.size).toBe(0);
  });

  it('rejectAll rejects every waiter at once', async () => {
    const waiters = new PositionWaiters();
    const a = waiters.wait('1', 1000, () => new Error('timeout'));
    const b = waiters.wait('2', 1000, () => new Error('timeout'));
    waiters.rejectAll((p) => new Error(`stopped before ${p}`));
    await expect(a).rejects.toThrow('stopped before 1');
    await expect(b).rejects.toThrow('stopped before 2');
  });
});
