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
  /** Records that are new, or whose `lastSeenMs` or `stoppedSeenMs` moved. */
  changed: PriceRecord[];
}

export interface RecordPricesOptions {
  /**
   * True when `pods` is RunPod's whole pod list: a pod missing from it, or listed as not
   * RUNNING, is then recorded as stopped. False when RunPod could not be read.
   */
  complete: boolean;
  /** Pods RunPod listed in a shape the sheet could not read, whose state is unknown. */
  unknownPodIds?: ReadonlySet<string>;
}

/**
 * Records the price of every pod that RunPod reports as running with a known price, and marks
 * the pods it reports stopped or no longer lists, so their next run starts a new record.
 */
export function recordPrices(history: readonly PriceRecord[], pods: readonly PodSnapshot[], nowMs: number, options: RecordPricesOptions = { complete: true }): PriceHistoryUpdate {
  const records = history.map((record) => ({ ...record }));
  const changed: PriceRecord[] = [];
  const latestByPod = new Map<string, PriceRecord>();
  for (const record of records) {
    const latest = latestByPod.get(record.podId);
    if (!latest || record.firstSeenMs >= latest.firstSeenMs) {
      latestByPod.set(record.podId, record);
    }
  }

  const runningIds = new Set<string>();
  for (const pod of pods) {
    if (pod.desiredStatus !== 'RUNNING' || pod.costPerHr === null) {
      continue;
    }
    runningIds.add(pod.id);
    const latest = latestByPod.get(pod.id);
    const stoppedSince = latest ? (latest.stoppedSeenMs ?? null) !== null : false;
    if (latest && latest.costPerHr === pod.costPerHr && !stoppedSince) {
      if (nowMs > latest.lastSeenMs) {
        latest.lastSeenMs = nowMs;
        changed.push(latest);
      }
      continue;
    }
    const record: PriceRecord = { podId: pod.id, costPerHr: pod.costPerHr, firstSeenMs: nowMs, lastSeenMs: nowMs, stoppedSeenMs: null };
    records.push(record);
    changed.push(record);
    latestByPod.set(pod.id, record);
  }

  if (options.complete) {
    // A RUNNING pod with an unknown price keeps its record open, as it may well still be charging.
    const stillListed = new Set(pods.filter((pod) => pod.desiredStatus === 'RUNNING').map((pod) => pod.id));
    latestByPod.forEach((latest, podId) => {
      if (runningIds.has(podId) || stillListed.has(podId) || options.unknownPodIds?.has(podId)) return;
      if ((latest.stoppedSeenMs ?? null) !== null || nowMs <= latest.lastSeenMs) return;
      latest.stoppedSeenMs = nowMs;
      changed.push(latest);
    });
  }

  records.sort(byPodThenFirstSeen);
  return { records, changed };
}

function byPodThenFirstSeen(a: PriceRecord, b: PriceRecord): number {
  if (a.podId !== b.podId) return a.podId < b.podId ? -1 : 1;
  return a.firstSeenMs - b.firstSeenMs;
}

/**
 * A pod's price history as a step function: each price applies from its first sighting to the next
 * one, or until the refresh that found the pod stopped, and nothing is charged in between.
 */
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
   * Prices a session up to `nowMs` while it is still open, at the prices of the pods it ran on:
   * usually one, or the pod it started on and the pod its log moved to with the volume. A session
   * that runs outside the spans where a price was observed is priced at the nearest observed
   * price there, and marked estimated.
   */
  price(session: Session, nowMs: number, podIds: readonly string[] = [session.podId]): PricedSession {
    const records = podIds
      .flatMap((podId) => this.byPod.get(podId) ?? [])
      .sort((a, b) => a.firstSeenMs - b.firstSeenMs);
    const endMs = session.endMs ?? Math.max(nowMs, session.startMs);
    if (records.length === 0) {
      return { ...session, costPerHr: null, totalCost: null, priceBasis: 'no price' };
    }

    const spans = chargedSpans(records);
    const totalCost = integrate(spans, session.startMs, endMs);
    const hours = (endMs - session.startMs) / MS_PER_HOUR;
    const covered = uncoveredMs(spans, session.startMs, endMs) === 0;
    const basis: PriceBasis = covered && !session.startReconstructed ? 'observed' : 'estimated';
    const costPerHr = hours > 0 ? totalCost / hours : priceAt(records, session.startMs);
    return { ...session, costPerHr, totalCost, priceBasis: basis };
  }
}

/** A price in force from `fromMs` to `untilMs`, and the part of that span a refresh observed. */
interface ChargedSpan {
  costPerHr: number;
  fromMs: number;
  untilMs: number;
  observedFromMs: number;
  observedUntilMs: number;
}

/**
 * Turns records into the spans when each price applied. The first price also applies before its
 * first sighting and an open last price after its last one (nearest-price estimates). A price
 * whose pod was then found stopped ends when it was found stopped: the pod stopped somewhere
 * after its last sighting, and a session's own stop inside that window shows it still ran.
 */
function chargedSpans(records: readonly PriceRecord[]): ChargedSpan[] {
  return records.map((record, index) => {
    const next = records[index + 1];
    const stopped = (record.stoppedSeenMs ?? null) !== null;
    const fromMs = index === 0 ? -Infinity : record.firstSeenMs;
    let untilMs = stopped ? (record.stoppedSeenMs as number) : Infinity;
    if (next) untilMs = Math.min(untilMs, next.firstSeenMs);
    const observedUntil = stopped || !next ? record.lastSeenMs : next.firstSeenMs;
    return {
      costPerHr: record.costPerHr,
      fromMs,
      untilMs,
      observedFromMs: record.firstSeenMs - PRICE_COVERAGE_SLACK_MS,
      observedUntilMs: observedUntil + PRICE_COVERAGE_SLACK_MS,
    };
  });
}

/** Integrates the prices over [startMs, endMs], in dollars. */
function integrate(spans: readonly ChargedSpan[], startMs: number, endMs: number): number {
  let total = 0;
  for (const span of spans) {
    const overlap = Math.min(endMs, span.untilMs) - Math.max(startMs, span.fromMs);
    if (overlap > 0) {
      total += (overlap / MS_PER_HOUR) * span.costPerHr;
    }
  }
  return total;
}

/** Returns how much of [startMs, endMs] no refresh observed a price for. */
function uncoveredMs(spans: readonly ChargedSpan[], startMs: number, endMs: number): number {
  let covered = 0;
  let reach = startMs;
  for (const span of spans) {
    const from = Math.max(span.observedFromMs, reach);
    const until = Math.min(span.observedUntilMs, endMs);
    if (until > from) {
      covered += until - from;
      reach = until;
    }
  }
  return Math.max(0, endMs - startMs - covered);
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
