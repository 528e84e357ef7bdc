import { parseHttpPorts, readSnapshotAnswer, snapshotRequest } from '../../src/runpod/snapshot';
import type { HttpResult } from '../../src/platform/http-port';
import { readFixture } from '../data/fixtures';

function answer(status: number, text: string, headers: Record<string, string> = {}): HttpResult {
  return { ok: true, status, headers, text, bytes: text.length };
}

describe('snapshotRequest', () => {
  it('sends the key only in the Authorization header', () => {
    const request = snapshotRequest('rpa_SECRET');
    expect(request.url).toBe('https://api.runpod.io/graphql');
    expect(request.url).not.toContain('rpa_SECRET');
    expect(request.headers).toEqual({ Authorization: 'Bearer rpa_SECRET' });
    expect(request.jsonBody).not.toContain('env');
  });
});

describe('readSnapshotAnswer', () => {
  it('reads the fixture account and pods', () => {
    const result = readSnapshotAnswer(answer(200, readFixture('runpod/graphql-myself-pods.json')));
    if (!result.ok) throw new Error(result.failure.message);
    expect(result.snapshot.account).toEqual({ balance: 412.37, spendPerHr: 3.517, spendLimit: 80 });
    expect(result.snapshot.pods.map((pod) => pod.id)).toEqual(['a1b2c3d4e5', 'f6g7h8i9j0', 'k1l2m3n4o5', 'p6q7r8s9t0', 'u1v2w3x4y5']);
    const a100 = result.snapshot.pods[1];
    expect(a100).toMatchObject({ costPerHr: 1.39, gpuType: 'A100 80GB PCIe', httpPorts: [7777, 8188], runtimeUp: true, uptimeSeconds: 2117 });
    expect(result.snapshot.pods[3]).toMatchObject({ id: 'p6q7r8s9t0', runtimeUp: false, uptimeSeconds: null });
  });

  it('skips one unreadable pod and keeps the others', () => {
    const body = JSON.parse(readFixture('runpod/graphql-myself-pods.json'));
    delete body.data.myself.pods[1].desiredStatus;
    const result = readSnapshotAnswer(answer(200, JSON.stringify(body)));
    if (!result.ok) throw new Error(result.failure.message);
    expect(result.snapshot.pods.map((pod) => pod.id)).toEqual(['a1b2c3d4e5', 'k1l2m3n4o5', 'p6q7r8s9t0', 'u1v2w3x4y5']);
    expect(result.snapshot.unreadablePods).toEqual([{ id: 'f6g7h8i9j0', reason: expect.stringContaining('myself.pods.1.desiredStatus') }]);
  });

  it('keeps an unknown GPU count unknown', () => {
    const body = JSON.parse(readFixture('runpod/graphql-myself-pods.json'));
    body.data.myself.pods[0].gpuCount = null;
    const result = readSnapshotAnswer(answer(200, JSON.stringify(body)));
    if (!result.ok) throw new Error(result.failure.message);
    expect(result.snapshot.pods[0]?.gpuCount).toBeNull();
  });

  it('treats a running price of 0 as unknown', () => {
    const body = JSON.parse(readFixture('runpod/graphql-myself-pods.json'));
    body.data.myself.pods[0].costPerHr = 0;
    body.data.myself.pods[0].adjustedCostPerHr = 0;
    const result = readSnapshotAnswer(answer(200, JSON.stringify(body)));
    if (!result.ok) throw new Error(result.failure.message);
    expect(result.snapshot.pods[0]?.costPerHr).toBeNull();
  });

  it.each([
    ['a rejected key', answer(401, '{"errors":[{"message":"Unauthorized"}]}'), 'fix key', 'HTTP 401'],
    ['no key reaching RunPod', answer(200, '{"data":{"myself":null}}'), 'fix key', 'no API key reaches it'],
    ['a backend fault', answer(200, '{"data":{"myself":null},"errors":[{"message":"Something went wrong. Please try again later or contact support."}]}'), 'wait', 'Something went wrong'],
    ['a firewall page', answer(403, '<html><body>Access denied</body></html>', { 'Content-Type': 'text/html' }), 'wait', 'HTTP 403'],
    ['a rate limit', answer(429, '<html>Too many</html>', { 'Retry-After': '30' }), 'wait', 'wait 30 seconds'],
    ['a malformed query', answer(400, '{"errors":[{"message":"Cannot query field \\"costPerHour\\" on type \\"Pod\\"."}]}'), 'report bug', 'costPerHour'],
    ['a server error', answer(502, '<html>Bad gateway</html>'), 'wait', 'HTTP 502'],
    ['a non-JSON 200', answer(200, 'hello'), 'wait', 'not JSON'],
    ['a missing field', answer(200, '{"data":{"myself":{"id":"u","clientBalance":1,"pods":[]}}}'), 'report bug', 'currentSpendPerHr'],
    ['a transport error', { ok: false, error: 'Address unavailable' } as HttpResult, 'wait', 'Could not reach'],
  ])('explains %s', (_name, result, action, messagePart) => {
    const read = readSnapshotAnswer(result);
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(read.failure.action).toBe(action);
      expect(read.failure.message).toContain(messagePart);
    }
  });
});

describe('parseHttpPorts', () => {
  it.each([
    ['7777/http,8188/http,22/tcp', [7777, 8188]],
    ['8888/http, 22/tcp', [8888]],
    ['', []],
    [null, []],
    ['abc/http,7777/HTTP', [7777]],
  ])('reads %j', (ports, expected) => {
    expect(parseHttpPorts(ports)).toEqual(expected);
  });
});
