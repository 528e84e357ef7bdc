import { planPanelRequests, proxyUrl } from '../../src/pods/panel-requests';
import type { PodSnapshot } from '../../src/core/types';

function pod(overrides: Partial<PodSnapshot> = {}): PodSnapshot {
  return { id: 'a1b2c3d4e5', name: 'pod', desiredStatus: 'RUNNING', runtimeUp: true, costPerHr: 0.27, gpuType: null, gpuCount: 1, httpPorts: [7777], uptimeSeconds: 10, gpuUtilPercent: 0, gpuMemoryPercent: 0, location: null, ...overrides };
}

const settings = { port: 7777, paths: ['/usage-log', '/api/user_stats'], podToken: null };

describe('planPanelRequests', () => {
  it('asks a running pod on every path through the proxy', () => {
    const [plan] = planPanelRequests([pod()], settings);
    expect(plan?.skip).toBeNull();
    expect(plan?.requests.map((request) => request.url)).toEqual([
      'https://a1b2c3d4e5-7777.proxy.runpod.net/usage-log',
      'https://a1b2c3d4e5-7777.proxy.runpod.net/api/user_stats',
    ]);
    expect(plan?.requests[0]?.headers).toEqual({});
  });

  it('sends the pod token as a bearer header, not in the URL', () => {
    const [plan] = planPanelRequests([pod()], { ...settings, podToken: 'tok123' });
    expect(plan?.requests[0]?.headers).toEqual({ Authorization: 'Bearer tok123' });
    expect(plan?.requests[0]?.url).not.toContain('tok123');
  });

  it.each([
    ['an exited pod', pod({ desiredStatus: 'EXITED', runtimeUp: false }), 'not running', 'EXITED'],
    ['a starting pod', pod({ runtimeUp: false }), 'not running', 'starting'],
    ['a pod without the port', pod({ httpPorts: [8888] }), 'not exposed', '8888/http'],
    ['a pod id unfit for a host name', pod({ id: 'evil.example.com/x' }), 'not exposed', 'host name'],
  ])('skips %s', (_name, snapshot, reason, messagePart) => {
    const [plan] = planPanelRequests([snapshot], settings);
    expect(plan?.requests).toEqual([]);
    expect(plan?.skip?.reason).toBe(reason);
    expect(plan?.skip?.message).toContain(messagePart);
  });
});

describe('planPanelRequests with a cursor', () => {
  it('asks the exporter only for events since the cursor second', () => {
    const [plan] = planPanelRequests([pod()], settings, new Map([['a1b2c3d4e5', 1794322676586]]));
    expect(plan?.requests.map((request) => request.url)).toEqual([
      'https://a1b2c3d4e5-7777.proxy.runpod.net/usage-log?since=1794322676',
      'https://a1b2c3d4e5-7777.proxy.runpod.net/api/user_stats',
    ]);
    expect(plan?.cursorMs).toBe(1794322676586);
  });
});

describe('proxyUrl', () => {
  it('uses the container port', () => {
    expect(proxyUrl('abc', 7777, '/x')).toBe('https://abc-7777.proxy.runpod.net/x');
  });
});
