/**
 * Measuring one call into the sandbox: CPU time of this process, wall time, and the peak of the
 * V8 heap, read from the heap statistics V8 records at every garbage collection.
 */
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';

import { FakeRange } from '../../test/fakes/range';
import { FakeSheet } from '../../test/fakes/sheet';
import type { FakeSpreadsheet } from '../../test/fakes/spreadsheet';

export interface ResourceUse {
  /** User plus system CPU time of the whole process, worker threads included. */
  cpuMs: number;
  wallMs: number;
  /** Heap in use after a full collection just before the call. */
  heapBeforeBytes: number;
  /** Largest heap in use seen during the call: before any collection, or at its end. */
  heapPeakBytes: number;
  /** Time the main thread spent paused for garbage collection during the call. */
  gcPauseMs: number;
}

/** Runs a full collection when node runs with --expose-gc; without it the heap figures are noisier. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

/**
 * Runs `action` and measures it. The peak is the largest `usedHeapSize` before any collection
 * during the call, or the heap in use at its end, whichever is larger.
 */
export function measure<T>(action: () => T): { result: T; use: ResourceUse } {
  collectGarbage();
  const heapBeforeBytes = process.memoryUsage().heapUsed;
  const profiler = new v8.GCProfiler();
  profiler.start();
  const cpu = process.cpuUsage();
  const start = performance.now();

  let result: T;
  try {
    result = action();
  } catch (error) {
    profiler.stop();
    throw error;
  }
  const wallMs = performance.now() - start;
  const cpuUsed = process.cpuUsage(cpu);
  const heapEnd = process.memoryUsage().heapUsed;
  const profile = profiler.stop();

  let heapPeakBytes = Math.max(heapBeforeBytes, heapEnd);
  let gcPauseMs = 0;
  for (const entry of profile.statistics) {
    heapPeakBytes = Math.max(heapPeakBytes, entry.beforeGC.heapStatistics.usedHeapSize);
    // `cost` is in microseconds.
    gcPauseMs += entry.cost / 1000;
  }
  return { result, use: { cpuMs: (cpuUsed.user + cpuUsed.system) / 1000, wallMs, heapBeforeBytes, heapPeakBytes, gcPauseMs } };
}

export interface TabCalls {
  reads: number;
  writes: number;
  other: number;
}

/**
 * Tallies the counted spreadsheet calls per tab while `action` runs, by watching the per-sheet
 * counting hook of the fakes. Calls on the spreadsheet itself (`getSheetByName`, `insertSheet`)
 * are not tied to one tab and are left out here; the spreadsheet's own counters keep them.
 */
export function tallyCallsPerTab<T>(spreadsheet: FakeSpreadsheet, action: () => T): { result: T; perTab: Map<string, TabCalls> } {
  const perTab = new Map<string, TabCalls>();
  const prototype = FakeSheet.prototype as unknown as { count: (kind: 'read' | 'write' | 'other', method: string, cells?: number) => void };
  const original = prototype.count;
  prototype.count = function (this: FakeSheet, kind, method, cells) {
    const counters = this.spreadsheet.counters;
    const before = counters.reads + counters.writes + counters.other;
    original.call(this, kind, method, cells);
    const after = this.spreadsheet.counters;
    if (this.spreadsheet !== spreadsheet || after.reads + after.writes + after.other === before) return;
    const tally = perTab.get(this.sheetName) ?? { reads: 0, writes: 0, other: 0 };
    if (kind === 'read') tally.reads++;
    else if (kind === 'write') tally.writes++;
    else tally.other++;
    perTab.set(this.sheetName, tally);
  };
  try {
    return { result: action(), perTab };
  } finally {
    prototype.count = original;
  }
}

/** The fakes' methods that move cell data in bulk: where a refresh spends its spreadsheet time. */
const BULK_METHODS: [object, string][] = [
  [FakeSheet.prototype, 'getSheetValues'],
  [FakeSheet.prototype, 'getDataRange'],
  [FakeSheet.prototype, 'appendRow'],
  [FakeSheet.prototype, 'insertRowsAfter'],
  [FakeRange.prototype, 'getValues'],
  [FakeRange.prototype, 'setValues'],
  [FakeRange.prototype, 'setValue'],
];

/**
 * Measures the CPU time spent inside the spreadsheet fakes' bulk data methods while `action` runs.
 * In Apps Script that work happens in Google's services, not in the script's own code.
 */
export function timeSpreadsheetCalls<T>(action: () => T): { result: T; cpuMs: number } {
  let cpuMs = 0;
  let depth = 0;
  const originals = BULK_METHODS.map(([target, name]) => (target as Record<string, (...args: unknown[]) => unknown>)[name] as (...args: unknown[]) => unknown);
  BULK_METHODS.forEach(([target, name], index) => {
    const original = originals[index] as (...args: unknown[]) => unknown;
    (target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      // getSheetValues calls getValues: only the outermost call is timed.
      if (depth > 0) return original.apply(this, args);
      depth++;
      const start = process.cpuUsage();
      try {
        return original.apply(this, args);
      } finally {
        const used = process.cpuUsage(start);
        cpuMs += (used.user + used.system) / 1000;
        depth--;
      }
    };
  });
  try {
    const result = action();
    return { result, cpuMs };
  } finally {
    BULK_METHODS.forEach(([target, name], index) => {
      (target as Record<string, unknown>)[name] = originals[index];
    });
  }
}
