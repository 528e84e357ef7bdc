import { PriceTimeline, recordPrices } from '../../src/core/prices';
import type { PodSnapshot, PriceRecord, Session } from '../../src/core/types';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);

function pod(id: string, costPerHr: number | null, desiredStatus = 'RUNNING'): PodSnapshot {
  return { id, name: id, desiredStatus, runtimeUp: true, costPerHr, gpuType: null, gpuCount: 1, httpPorts: [7777], uptimeSeconds: 1, gpuUtilPercent: 0, gpuMemoryPercent: 0, location: null };
}

function session(startMs: number, endMs: number | null, podId = 'p1'): Session {
  return { key: `ana|${startMs}`, user: 'ana', podId, gpu: null, startMs, endMs, panelCost: null, source: 'usage_log', startReconstructed: false };
}

describe('recordPrices', () => {
  it('adds a record for a pod seen for the first time', () => {
    const update = recordPrices([], [pod('p1', 0.27)], T0);
    expect(update.records).toEqual([{ podId: 'p1', costPerHr: 0.27, firstSeenMs: T0, lastSeenMs: T0, stoppedSeenMs: null }]);
    expect(update.changed).toHaveLength(1);
  });

  it('extends the record while the price holds', () => {
    const history: PriceRecord[] = [{ podId: 'p1', costPerHr: 0.27, firstSeenMs: T0, lastSeenMs: T0 }];
    const update = recordPrices(history, [pod('p1', 0.27)], T0 + HOUR);
    expect(update.records).toEqual([{ podId: 'p1', costPerHr: 0.27, firstSeenMs: T0, lastSeenMs: T0 + HOUR }]);
    expect(history[0]?.lastSeenMs).toBe(T0);
  });

  it('starts a new record when the price changes', () => {
    const history: PriceRecord[] = [{ podId: 'p1', costPerHr: 0.27, firstSeenMs: T0, lastSeenMs: T0 }];
    const update = recordPrices(history, [pod('p1', 0.34)], T0 + HOUR);
    expect(update.records.map((record) => record.costPerHr)).toEqual([0.27, 0.34]);
  });

  it.each([
    ['an unknown price', pod('p1', null)],
    ['a stopped pod', pod('p1', 0.27, 'EXITED')],
  ])('records nothing for %s', (_name, snapshot) => {
    expect(recordPrices([], [snapshot], T0).records).toEqual([]);
  });
});

describe('PriceTimeline', () => {
  const history: PriceRecord[] = [
    { podId: 'p1', costPerHr: 1, firstSeenMs: T0, lastSeenMs: T0 + 10 * HOUR },
    { podId: 'p1', costPerHr: 2, firstSeenMs: T0 + 10 * HOUR, lastSeenMs: T0 + 20 * HOUR },
  ];
  const timeline = new PriceTimeline(history);

  it('prices a session inside the observed span as observed', () => {
    const priced = timeline.price(session(T0 + HOUR, T0 + 3 * HOUR), T0 + 30 * HOUR);
    expect(priced.totalCost).toBeCloseTo(2);
    expect(priced.costPerHr).toBeCloseTo(1);
    expect(priced.priceBasis).toBe('observed');
  });

  it('splits a session across a price change', () => {
    const priced = timeline.price(session(T0 + 9 * HOUR, T0 + 11 * HOUR), T0 + 30 * HOUR);
    expect(priced.totalCost).toBeCloseTo(3);
    expect(priced.costPerHr).toBeCloseTo(1.5);
  });

  it('estimates a session long before the first observation', () => {
    const priced = timeline.price(session(T0 - 48 * HOUR, T0 - 46 * HOUR), T0 + 30 * HOUR);
    expect(priced.totalCost).toBeCloseTo(2);
    expect(priced.priceBasis).toBe('estimated');
  });

  it('counts a session shortly before the first observation as observed', () => {
    expect(timeline.price(session(T0 - HOUR / 2, T0 + HOUR), T0 + 30 * HOUR).priceBasis).toBe('observed');
  });

  it('prices an open session up to now', () => {
    const priced = timeline.price(session(T0 + 18 * HOUR, null), T0 + 20 * HOUR);
    expect(priced.totalCost).toBeCloseTo(4);
  });

  it('marks a pod without any price', () => {
    const priced = timeline.price(session(T0, T0 + HOUR, 'unknown'), T0 + 2 * HOUR);
    expect(priced).toMatchObject({ totalCost: null, costPerHr: null, priceBasis: 'no price' });
  });

  it('estimates a session with a rebuilt start', () => {
    const rebuilt = { ...session(T0 + HOUR, T0 + 2 * HOUR), startReconstructed: true };
    expect(timeline.price(rebuilt, T0 + 30 * HOUR).priceBasis).toBe('estimated');
  });
});

describe('prices across a pod stop', () => {
  const running: PriceRecord = { podId: 'p1', costPerHr: 1, firstSeenMs: T0, lastSeenMs: T0 + 2 * HOUR, stoppedSeenMs: null };

  it('marks a pod found stopped', () => {
    const update = recordPrices([running], [pod('p1', 1, 'EXITED')], T0 + 3 * HOUR);
    expect(update.records[0]?.stoppedSeenMs).toBe(T0 + 3 * HOUR);
    expect(update.changed).toHaveLength(1);
  });

  it('marks a pod RunPod no longer lists', () => {
    expect(recordPrices([running], [], T0 + 3 * HOUR).records[0]?.stoppedSeenMs).toBe(T0 + 3 * HOUR);
  });

  it('marks nothing when RunPod could not be read', () => {
    expect(recordPrices([running], [], T0 + 3 * HOUR, { complete: false }).changed).toEqual([]);
  });

  it('starts a new record when the pod runs again', () => {
    const stopped = { ...running, stoppedSeenMs: T0 + 3 * HOUR };
    const update = recordPrices([stopped], [pod('p1', 1)], T0 + 12 * HOUR);
    expect(update.records.map((record) => record.firstSeenMs)).toEqual([T0, T0 + 12 * HOUR]);
  });

  it('charges nothing while the pod was stopped', () => {
    const timeline = new PriceTimeline([
      { ...running, stoppedSeenMs: T0 + 3 * HOUR },
      { podId: 'p1', costPerHr: 1, firstSeenMs: T0 + 12 * HOUR, lastSeenMs: T0 + 14 * HOUR, stoppedSeenMs: null },
    ]);
    // Charged from the start to when the pod was found stopped, then again from its restart.
    const priced = timeline.price(session(T0 + HOUR, T0 + 13 * HOUR), T0 + 14 * HOUR);
    expect(priced.totalCost).toBeCloseTo(2 + 1);
    expect(priced.priceBasis).toBe('estimated');
  });

  it('prices a moved session at each pod in turn', () => {
    const timeline = new PriceTimeline([
      { podId: 'old', costPerHr: 1, firstSeenMs: T0, lastSeenMs: T0 + 2 * HOUR, stoppedSeenMs: T0 + 3 * HOUR },
      { podId: 'new', costPerHr: 3, firstSeenMs: T0 + 3 * HOUR, lastSeenMs: T0 + 5 * HOUR, stoppedSeenMs: null },
    ]);
    const priced = timeline.price(session(T0 + HOUR, T0 + 4 * HOUR, 'new'), T0 + 5 * HOUR, ['old', 'new']);
    expect(priced.totalCost).toBeCloseTo(2 * 1 + 1 * 3);
  });
});
