/** Small scenarios built in code for the integration tests. */
import type { Scenario, SimPod } from '../servers/scenario';

export const TEST_API_KEY = 'rpa_TESTKEY123';

/** A running pod with the control panel on 7777 that serves `events` as its usage log. */
export function podWithLog(id: string, events: object[], overrides: Record<string, unknown> = {}): SimPod {
  return {
    graphql: {
      id,
      name: `${id}-name`,
      desiredStatus: 'RUNNING',
      costPerHr: 0.5,
      adjustedCostPerHr: 0.5,
      gpuCount: 1,
      ports: '7777/http',
      machine: { gpuDisplayName: 'RTX 4090', location: 'EU-SE-1' },
      runtime: { uptimeInSeconds: 3600, ports: [], gpus: [{ id: 'GPU-1', gpuUtilPercent: 50, memoryUtilPercent: 40 }], container: { cpuPercent: 1, memoryPercent: 1 } },
      ...overrides,
    },
    panel: { files: [{ kind: 'usage_log', body: JSON.stringify(events, null, 2) }] },
  };
}

export function scenarioWith(pods: SimPod[]): Scenario {
  return { apiKey: TEST_API_KEY, account: { id: 'user_test', clientBalance: 100, currentSpendPerHr: 0.5, spendLimit: 80 }, pods, faults: [] };
}

/** Start and stop events of `count` back-to-back one-hour sessions, ending before `endSeconds`. */
export function sessionEvents(user: string, count: number, endSeconds: number): object[] {
  const events: object[] = [];
  for (let i = count; i > 0; i--) {
    const start = endSeconds - i * 7200;
    events.push({ user, action: 'start', timestamp: start, datetime: 'ignored', gpu: 'NVIDIA GeForce RTX 4090' });
    events.push({ user, action: 'stop', timestamp: start + 3600, datetime: 'ignored', duration_hours: 1, cost: 0.74 });
  }
  return events;
}
