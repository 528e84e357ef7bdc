/**
 * How long a team's history fits under Google Sheets' 10,000,000-cell limit, and what a refresh
 * does once the spreadsheet reaches it.
 */
import type { ServerHandle } from '../../test/servers/launch';
import { SESSIONS, SYNC_STATUS } from '../../src/sheet/tabs';
import { SHEETS_CELL_LIMIT } from './configs';
import { measureRefresh, prepareSheet, type RefreshResult } from './refresh-run';
import { buildWorkload, laterEvents, MS_PER_HOUR, SESSIONS_PER_POD_PER_DAY } from './workload';

const DAYS_PER_MONTH = 365.25 / 12;
const HOURLY_REFRESHES_PER_MONTH = 24 * DAYS_PER_MONTH;

/** A new tab's rows and columns in Sheets. */
const NEW_TAB_ROWS = 1000;
const NEW_TAB_COLUMNS = 26;

/** The tabs in a product spreadsheet: Sheet1 and the eight the refresh writes. */
const TAB_COUNT = 9;

export interface HistoryCapacity {
  pods: number;
  users: number;
  sessionsPerMonth: number;
  /** Months of hourly refreshes until the spreadsheet reaches 10,000,000 cells. */
  months: number;
  /** Session rows at that point. */
  sessionRows: number;
}

/**
 * Estimates the months of history that fit, from the growth of each tab. Sessions gets a row per
 * session (2 per pod a day, as in the fixtures), Account a row per hourly refresh, and Monthly a
 * row per user and month. Each of the rest stays at 1000 rows. Every tab is 26 columns wide, as
 * Sheets creates it, and each row costs all 26 cells.
 */
export function historyCapacity(pods: number, users: number, columns = NEW_TAB_COLUMNS): HistoryCapacity {
  const sessionsPerMonth = pods * SESSIONS_PER_POD_PER_DAY * DAYS_PER_MONTH;
  const cellsAt = (months: number): number => {
    const grown = [1 + sessionsPerMonth * months, 1 + HOURLY_REFRESHES_PER_MONTH * months, 1 + users * months, 1 + pods, 1 + pods, 1 + pods, 2 + users];
    const fixed = TAB_COUNT - grown.length;
    return columns * (grown.reduce((sum, rows) => sum + Math.max(NEW_TAB_ROWS, rows), 0) + fixed * NEW_TAB_ROWS);
  };

  let low = 0;
  let high = 12 * 1000;
  for (let step = 0; step < 60; step++) {
    const middle = (low + high) / 2;
    if (cellsAt(middle) <= SHEETS_CELL_LIMIT) low = middle;
    else high = middle;
  }
  return { pods, users, sessionsPerMonth, months: low, sessionRows: Math.floor(sessionsPerMonth * low) };
}

export interface AtLimitResult {
  sessionRows: number;
  cellsBefore: number;
  /** The hourly refresh whose new sessions fit the rows left free. */
  fitting: RefreshResult;
  /** The next refresh, whose new sessions need the Sessions tab to grow by its usual 500 rows. */
  overflowing: RefreshResult;
  sessionRowsAfter: number;
  cursorsMoved: boolean;
  wallMs: number;
}

/** Empty rows below the seeded sessions: room for the first refresh's 6 new sessions, not for 500. */
const SPARE_ROWS_AT_LIMIT = 100;

/**
 * Fills a 10-pod spreadsheet with as many sessions as Sheets' real limit allows, leaving 100
 * empty rows below them. The first hourly refresh fits there; the next one brings 500 sessions,
 * which need the Sessions tab to grow past the limit.
 */
export async function refreshAtCellLimit(servers: ServerHandle, bundlePath?: string): Promise<AtLimitResult> {
  const started = performance.now();
  const otherTabsCells = (TAB_COUNT - 1) * NEW_TAB_ROWS * NEW_TAB_COLUMNS;
  const room = 100 * NEW_TAB_COLUMNS;
  const sessionRows = Math.floor((SHEETS_CELL_LIMIT - otherTabsCells - room) / NEW_TAB_COLUMNS) - 1 - SPARE_ROWS_AT_LIMIT;
  const workload = buildWorkload({ pods: 10, rows: sessionRows, newEvents: 10 });
  const prepared = await prepareSheet(servers, workload, { spareSessionRows: SPARE_ROWS_AT_LIMIT, bundlePath });
  const { env } = prepared.harness;

  const cellsBefore = env.spreadsheet.totalCells();
  if (cellsBefore > SHEETS_CELL_LIMIT) {
    throw new Error(`The spreadsheet seeded to reach the cell limit has ${cellsBefore} cells, more than the limit of ${SHEETS_CELL_LIMIT}; seed fewer session rows.`);
  }
  const fitting = measureRefresh(prepared);

  const laterMs = workload.refreshMs + MS_PER_HOUR;
  const events = laterEvents(workload, 50, workload.refreshMs + 60_000);
  await Promise.all(Array.from(events, ([podId, list]) => servers.appendEvents(podId, list)));
  env.clock.set(laterMs);
  const rowsBefore = prepared.harness.tab(SESSIONS.name).length - 1;
  const cursorsBefore = JSON.stringify(prepared.harness.rows(SYNC_STATUS.name).map((row) => row['Log Cursor']));

  const overflowing = measureRefresh(prepared);
  const cursorsAfter = JSON.stringify(prepared.harness.rows(SYNC_STATUS.name).map((row) => row['Log Cursor']));
  const sessionRowsAfter = prepared.harness.tab(SESSIONS.name).length - 1;
  return {
    sessionRows: rowsBefore,
    cellsBefore,
    fitting,
    overflowing,
    sessionRowsAfter,
    cursorsMoved: cursorsBefore !== cursorsAfter,
    wallMs: performance.now() - started,
  };
}
