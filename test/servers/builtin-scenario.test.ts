import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { BUILTIN_API_KEY, builtinScenario, scenarioFromPodsDir } from './builtin-scenario';
import { handleProxyRequest } from './pod-panel';
import { ServerState } from './state';

const CONTROL_PANEL_DIR = path.join(__dirname, '..', 'data', 'control-panel');

function readPanelFixture(name: string): string {
  return readFileSync(path.join(CONTROL_PANEL_DIR, name), 'utf8');
}

describe('builtinScenario', () => {
  it('has fixture account and pods', () => {
    const scenario = builtinScenario();

    expect(scenario.apiKey).toBe(BUILTIN_API_KEY);
    expect(scenario.account).toEqual({ id: 'user_2b9XqTnA7d', clientBalance: 412.37, currentSpendPerHr: 3.517, spendLimit: 80 });
    expect(scenario.pods.map((pod) => pod.graphql.id)).toEqual(['a1b2c3d4e5', 'f6g7h8i9j0', 'k1l2m3n4o5', 'p6q7r8s9t0', 'u1v2w3x4y5']);
    expect(scenario.faults).toEqual([]);
  });

  it.each([
    ['a1b2c3d4e5', [{ kind: 'usage_log', body: readPanelFixture('a1b2c3d4e5-usage_log.json') }]],
    ['f6g7h8i9j0', [{ kind: 'usage_log', body: readPanelFixture('f6g7h8i9j0-usage_log.json') }]],
    ['k1l2m3n4o5', [{ kind: 'user_stats', body: readPanelFixture('k1l2m3n4o5-api_user_stats.json') }]],
    ['p6q7r8s9t0', undefined],
    ['u1v2w3x4y5', undefined],
  ])('pod %s panel files', (podId, files) => {
    const pod = builtinScenario().pods.find((candidate) => candidate.graphql.id === podId);

    expect(pod?.panel?.files).toEqual(files);
    expect(pod?.panel?.token).toBeUndefined();
  });

  it('options set key and token', () => {
    const scenario = builtinScenario({ apiKey: 'rp_other', panelToken: 'secret' });

    expect(scenario.apiKey).toBe('rp_other');
    expect(scenario.pods.filter((pod) => pod.panel !== undefined).map((pod) => pod.panel?.token)).toEqual(['secret', 'secret', 'secret']);
  });

  it('returns independent copies', () => {
    const first = builtinScenario();
    first.pods[0]!.graphql.name = 'changed';

    expect(builtinScenario().pods[0]!.graphql.name).toBe('comfy-a5000-team');
  });
});

describe('scenarioFromPodsDir', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pods-dir-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  // abc123's GPU comes from its api_user_stats file, the first of its files in name order.
  it('makes one running pod per id', () => {
    writeFileSync(path.join(dir, 'abc123-usage_log.json'), readPanelFixture('a1b2c3d4e5-usage_log.json'));
    writeFileSync(path.join(dir, 'abc123-api_user_stats.json'), readPanelFixture('k1l2m3n4o5-api_user_stats.json'));
    writeFileSync(path.join(dir, 'def456-usage_log.json'), readPanelFixture('f6g7h8i9j0-usage_log.json'));
    writeFileSync(path.join(dir, '.gitkeep'), '');

    const scenario = scenarioFromPodsDir(dir, { panelToken: 'secret' });
    const [abc, def] = scenario.pods;

    expect(scenario.pods.map((pod) => pod.graphql.id)).toEqual(['abc123', 'def456']);
    expect(abc?.panel?.files.map((file) => file.kind).sort()).toEqual(['usage_log', 'user_stats']);
    expect(abc?.panel?.token).toBe('secret');
    expect(abc?.graphql).toMatchObject({
      desiredStatus: 'RUNNING',
      costPerHr: 0.69,
      gpuCount: 1,
      ports: '7777/http,8188/http',
      machine: { gpuDisplayName: 'RTX 4090' },
      runtime: { ports: [{ privatePort: 7777, type: 'http' }, { privatePort: 8188, type: 'http' }] },
    });
    expect(def?.graphql).toMatchObject({ costPerHr: 1.64, machine: { gpuDisplayName: 'A100 80GB PCIe' } });
    expect(scenario.account.currentSpendPerHr).toBe(2.33);
    expect(scenario.apiKey).toBe(BUILTIN_API_KEY);
  });

  it('is deterministic', () => {
    writeFileSync(path.join(dir, 'abc123-usage_log.json'), '[]');

    expect(scenarioFromPodsDir(dir)).toEqual(scenarioFromPodsDir(dir));
  });

  it('serves broken files unchanged', () => {
    writeFileSync(path.join(dir, 'abc123-usage_log.json'), '[{"user": ');
    const state = new ServerState(scenarioFromPodsDir(dir));

    const response = handleProxyRequest(
      { method: 'GET', host: 'abc123-7777.proxy.runpod.net', url: '/usage-log', headers: {}, body: '' },
      state,
    );

    expect(response.status).toBe(200);
    expect(response.body).toBe('[{"user": ');
  });

  it.each([
    ['usage_log.json'],
    ['abc123-usage-log.json'],
    ['ABC123-usage_log.json'],
    ['abc123-user_stats.json'],
    ['abc123-usage_log.json.bak'],
  ])('rejects file %s', (name) => {
    writeFileSync(path.join(dir, name), '[]');

    expect(() => scenarioFromPodsDir(dir)).toThrow(
      `Unexpected file "${name}" in ${dir}: expected <podId>-usage_log.json or <podId>-api_user_stats.json (podId: lowercase letters and digits)`,
    );
  });

  it('rejects folder', () => {
    mkdirSync(path.join(dir, 'abc123-usage_log.json'));

    expect(() => scenarioFromPodsDir(dir)).toThrow(`Unexpected entry "abc123-usage_log.json" in ${dir}`);
  });

  it('rejects empty folder', () => {
    expect(() => scenarioFromPodsDir(dir)).toThrow(`No pod files in ${dir}`);
  });

  it('accepts the fixture folder', () => {
    const scenario = scenarioFromPodsDir(CONTROL_PANEL_DIR);

    expect(scenario.pods.map((pod) => [pod.graphql.id, (pod.graphql.machine as { gpuDisplayName: string }).gpuDisplayName])).toEqual([
      ['a1b2c3d4e5', 'RTX A5000'],
      ['f6g7h8i9j0', 'A100 80GB PCIe'],
      ['k1l2m3n4o5', 'RTX 4090'],
    ]);
  });
});
