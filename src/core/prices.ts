/**
 * RunPod's price per pod over time, and the cost of sessions at those prices. RunPod reports only
 * the current price, so each refresh records it; history grows with price changes, not refreshes.
 */
import type { PodSnapshot, PriceBasis, PriceRecord, PricedSession, Session } from './types';

const MS_PER_HOUR = 3_600_000;

/**
 * How far before a pod's first and after its last observed price a session still counts as
 * observed: one refresh interval, because a session starts and ends between hourly refreshes.
 */
export const PRICE_COVERAGE_SLACK_MS = 65 * 60 * 1000;

export interface PriceHistoryUpdate {
  /** Every record, old and new, ordered by pod and first sighting. */
  records: PriceRecord[];
  /** Records that are new or whose `lastSeenMs` moved. */
  changed: PriceRecord[];
}

/** Records the price of every pod that RunPod reports as running with a known price. */
export function recordPrices(history: readonly PriceRecord[], pods: readonly PodSnapshot[], nowMs: number): PriceHistoryUpdate {
  const records = history.map((record) => ({ ...record }));
  const changed: PriceRecord[] = [];
  const latestByPod = new Map<string, PriceRecord>();
  for (const record of records) {
    const latest = latestByPod.get(record.podId);
    if (!latest || record.firstSeenMs >= latest.firstSeenMs) {
      latestByPod.set(record.podId, record);
    }
  }

  for (const pod of pods) {
    if (pod.desiredStatus !== 'RUNNING' || pod.costPerHr === null) {
      continue;
    }
    const latest = latestByPod.get(pod.id);
    if (latest && latest.costPerHr === pod.costPerHr) {
      if (nowMs > latest.lastSeenMs) {
        latest.lastSeenMs = nowMs;
        changed.push(latest);
      }
      continue;
    }
    const record = { podId: pod.id, costPerHr: pod.costPerHr, firstSeenMs: nowMs, lastSeenMs: nowMs };
    records.push(record);
    changed.push(record);
    latestByPod.set(pod.id, record);
  }

  records.sort((a, b) => (a.podId < b.podId ? -1 : a.podId > b.podId ? 1 : a.firstSeenMs - b.firstSeenMs));
  return { records, changed };
}

/** A pod's price history as a step function: each price holds from its first sighting to the next. */
export class PriceTimeline {
  private readonly byPod = new Map<string, PriceRecord[]>();

  constructor(records: readonly PriceRecord[]) {
    for (const record of records) {
      const list = this.byPod.get(record.podId) ?? [];
      list.push(record);
      this.byPod.set(record.podId, list);
    }
    this.byPod.forEach((list) => list.sort((a, b) => a.firstSeenMs - b.firstSeenMs));
  }

  /**
   * Prices a session on the pod it ran on, up to `nowMs` while it is still open. A session that
   * runs outside the span where the pod's price was observed is priced at the nearest observed
   * price and marked estimated.
   */
  price(session: Session, nowMs: number): PricedSession {
    const records = this.byPod.get(session.podId);
    const endMs = session.endMs ?? Math.max(nowMs, session.startMs);
    if (!records || records.length === 0) {
      return { ...session, costPerHr: null, totalCost: null, priceBasis: 'no price' };
    }

    const totalCost = integrate(records, session.startMs, endMs);
    const hours = (endMs - session.startMs) / MS_PER_HOUR;
    const first = records[0] as PriceRecord;
    const last = records[records.length - 1] as PriceRecord;
    const covered =
      session.startMs >= first.firstSeenMs - PRICE_COVERAGE_SLACK_MS && endMs <= last.lastSeenMs + PRICE_COVERAGE_SLACK_MS;
    const basis: PriceBasis = covered && !session.startReconstructed ? 'observed' : 'estimated';
    const costPerHr = hours > 0 ? totalCost / hours : priceAt(records, session.startMs);
    return { ...session, costPerHr, totalCost, priceBasis: basis };
  }
}

/** Integrates the step function of prices over [startMs, endMs], in dollars. */
function integrate(records: readonly PriceRecord[], startMs: number, endMs: number): number {
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as PriceRecord;
    const next = records[i + 1];
    const from = i === 0 ? -Infinity : record.firstSeenMs;
    const until = next ? next.firstSeenMs : Infinity;
    const overlap = Math.min(endMs, until) - Math.max(startMs, from);
    if (overlap > 0) {
      total += (overlap / MS_PER_HOUR) * record.costPerHr;
    }
  }
  return total;
}

function priceAt(records: readonly PriceRecord[], atMs: number): number {
  let price = (records[0] as PriceRecord).costPerHr;
  for (const record of records) {
    if (record.firstSeenMs <= atMs) {
      price = record.costPerHr;
    }
  }
  return price;
}
