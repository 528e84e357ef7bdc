/** The tabs the refresh writes, their columns in order, and their number formats. */
import type { TabSpec } from './table';

const DATE_TIME = 'yyyy-mm-dd hh:mm';
const HOURS = '0.00';
const MONEY = '$#,##0.00';
const PRICE = '$#,##0.000';

export const SESSIONS: TabSpec = {
  name: 'Sessions',
  keyHeader: 'Session Key',
  requiredHeaders: ['User', 'Pod ID', 'Started', 'Ended', 'Duration (hrs)', 'Total Cost ($)', 'Status', 'Price Basis'],
  columns: [
    { header: 'User' },
    { header: 'Pod ID' },
    { header: 'Pod Name' },
    { header: 'GPU Type' },
    { header: 'Started', format: DATE_TIME },
    { header: 'Ended', format: DATE_TIME },
    { header: 'Duration (hrs)', format: HOURS },
    { header: 'Cost/hr ($)', format: PRICE },
    { header: 'Total Cost ($)', format: MONEY },
    { header: 'Status' },
    { header: 'Price Basis' },
    { header: 'Panel Cost ($)', format: MONEY },
    { header: 'Source' },
    { header: 'Session Key' },
    { header: 'Last Synced', format: DATE_TIME },
  ],
  personColumns: ['Note', 'Project'],
};

export const USAGE_SUMMARY: TabSpec = {
  name: 'Usage Summary',
  columns: [
    { header: 'User' },
    { header: 'Total Hours', format: HOURS },
    { header: 'Total Cost ($)', format: MONEY },
    { header: 'Sessions', format: '0' },
    { header: 'Last Updated', format: DATE_TIME },
    { header: 'Running Now', format: '0' },
    { header: 'Estimated Part ($)', format: MONEY },
  ],
};

export const MONTHLY: TabSpec = {
  name: 'Monthly',
  columns: [
    { header: 'Month' },
    { header: 'User' },
    { header: 'Hours', format: HOURS },
    { header: 'Cost ($)', format: MONEY },
    { header: 'Sessions', format: '0' },
  ],
};

export const LIVE_PODS: TabSpec = {
  name: 'Live Pods',
  columns: [
    { header: 'Pod ID' },
    { header: 'Pod Name' },
    { header: 'Status' },
    { header: 'GPU Type' },
    { header: 'GPUs', format: '0' },
    { header: 'Cost/hr ($)', format: PRICE },
    { header: 'Uptime (hrs)', format: HOURS },
    { header: 'GPU Util (%)', format: '0' },
    { header: 'GPU Memory (%)', format: '0' },
    { header: 'Control Panel' },
    { header: 'Location' },
    { header: 'Snapshot At', format: DATE_TIME },
  ],
};

export const ACCOUNT: TabSpec = {
  name: 'Account',
  columns: [
    { header: 'Refreshed At', format: DATE_TIME },
    { header: 'Balance ($)', format: MONEY },
    { header: 'Spend/hr ($)', format: PRICE },
    { header: 'Spend Limit ($/hr)', format: MONEY },
    { header: 'Runway (hrs)', format: HOURS },
  ],
};

export const SYNC_STATUS: TabSpec = {
  name: 'Sync Status',
  keyHeader: 'Pod ID',
  requiredHeaders: ['Last Success', 'Log Cursor'],
  columns: [
    { header: 'Pod ID' },
    { header: 'Pod Name' },
    { header: 'Result' },
    { header: 'Last Attempt', format: DATE_TIME },
    { header: 'Last Success', format: DATE_TIME },
    { header: 'Rows Added', format: '0' },
    { header: 'Rows Updated', format: '0' },
    { header: 'Invalid Records', format: '0' },
    { header: 'Bytes', format: '0' },
    { header: 'Error' },
    { header: 'Log Cursor', format: 'yyyy-mm-dd hh:mm:ss' },
  ],
};

/** RunPod's price for each pod over time, recorded at every refresh; sessions are priced from it. */
export const PRICES: TabSpec = {
  name: 'Prices',
  keyHeader: 'Pod ID',
  requiredHeaders: ['Cost/hr ($)', 'First Seen', 'Last Seen'],
  columns: [
    { header: 'Pod ID' },
    { header: 'Cost/hr ($)', format: PRICE },
    { header: 'First Seen', format: DATE_TIME },
    { header: 'Last Seen', format: DATE_TIME },
    { header: 'Stopped Seen', format: DATE_TIME },
  ],
};

export const INVALID_ROWS: TabSpec = {
  name: 'Invalid Rows',
  keyHeader: 'Record',
  requiredHeaders: ['Pod ID', 'Reason'],
  columns: [
    { header: 'Pod ID' },
    { header: 'Source' },
    { header: 'Position' },
    { header: 'Reason' },
    { header: 'Record' },
    { header: 'First Seen', format: DATE_TIME },
  ],
};
