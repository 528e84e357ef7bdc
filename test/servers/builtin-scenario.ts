import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { PanelFile, Scenario, SimAccount, SimPod } from './scenario';

const DATA_DIR = path.join(__dirname, '..', 'data');
const PODS_FIXTURE = path.join(DATA_DIR, 'runpod', 'graphql-myself-pods.json');
const CONTROL_PANEL_DIR = path.join(DATA_DIR, 'control-panel');

/** The API key the built-in scenario accepts. */
export const BUILTIN_API_KEY = 'rp_test_key_builtin';

export interface ScenarioOptions {
  /** The key RunPod accepts; BUILTIN_API_KEY when absent. */
  apiKey?: string;
  /** When set, every panel requires `Authorization: Bearer <panelToken>`. */
  panelToken?: string;
}

/** Fixture files each built-in pod's panel serves; the other pods have no panel. */
const BUILTIN_PANEL_FILES: Record<string, { kind: PanelFile['kind']; file: string }[]> = {
  a1b2c3d4e5: [{ kind: 'usage_log', file: 'a1b2c3d4e5-usage_log.json' }],
  f6g7h8i9j0: [{ kind: 'usage_log', file: 'f6g7h8i9j0-usage_log.json' }],
  // This pod runs panel 1.7, which predates /usage-log and serves only /api/user_stats.
  k1l2m3n4o5: [{ kind: 'user_stats', file: 'k1l2m3n4o5-api_user_stats.json' }],
};

/**
 * Builds the scenario of `test/data/runpod/graphql-myself-pods.json`: its account and five pods.
 * a1b2c3d4e5 and f6g7h8i9j0 serve their usage logs, k1l2m3n4o5 serves `/api/user_stats`.
 * p6q7r8s9t0 (RUNNING, runtime null) and u1v2w3x4y5 (EXITED, no 7777 port) have no panel.
 */
export function builtinScenario(options: ScenarioOptions = {}): Scenario {
  const fixture = JSON.parse(readFileSync(PODS_FIXTURE, 'utf8')) as {
    data?: { myself?: SimAccount & { pods?: SimPod['graphql'][] } };
  };
  const myself = fixture.data?.myself;
  if (myself === undefined || !Array.isArray(myself.pods)) {
    throw new Error(`${PODS_FIXTURE} does not contain data.myself.pods`);
  }

  const pods = myself.pods.map((graphql): SimPod => {
    const panelFiles = BUILTIN_PANEL_FILES[graphql.id];
    if (panelFiles === undefined) {
      return { graphql };
    }
    const files = panelFiles.map(({ kind, file }) => ({ kind, body: readFileSync(path.join(CONTROL_PANEL_DIR, file), 'utf8') }));
    return { graphql, panel: panelWith(files, options.panelToken) };
  });

  return {
    apiKey: options.apiKey ?? BUILTIN_API_KEY,
    account: {
      id: myself.id,
      clientBalance: myself.clientBalance,
      currentSpendPerHr: myself.currentSpendPerHr,
      spendLimit: myself.spendLimit,
    },
    pods,
    faults: [],
  };
}

/** `<podId>-usage_log.json` or `<podId>-api_user_stats.json`, as the panel names what it serves. */
const POD_FILE_PATTERN = /^([a-z0-9]+)-(usage_log|api_user_stats)\.json$/;
const POD_FILE_PATTERN_TEXT = '<podId>-usage_log.json or <podId>-api_user_stats.json (podId: lowercase letters and digits)';

/**
 * Builds a scenario from a folder of panel files: one RUNNING pod per pod id, exposing
 * `7777/http` and `8188/http`, with generated but realistic RunPod fields. Each pod serves its
 * files unchanged. Names starting with a dot are skipped; any other file name, or a folder,
 * is rejected with an error that names it.
 */
export function scenarioFromPodsDir(dir: string, options: ScenarioOptions = {}): Scenario {
  const filesByPod = new Map<string, PanelFile[]>();
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));

  for (const entry of entries) {
    if (entry.name.startsWith('.')) {
      continue;
    }
    const match = POD_FILE_PATTERN.exec(entry.name);
    if (!entry.isFile() || match === null) {
      throw new Error(`Unexpected ${entry.isFile() ? 'file' : 'entry'} "${entry.name}" in ${dir}: expected ${POD_FILE_PATTERN_TEXT}`);
    }

    const podId = match[1]!;
    const kind: PanelFile['kind'] = match[2] === 'usage_log' ? 'usage_log' : 'user_stats';
    const files = filesByPod.get(podId) ?? [];
    files.push({ kind, body: readFileSync(path.join(dir, entry.name), 'utf8') });
    filesByPod.set(podId, files);
  }

  if (filesByPod.size === 0) {
    throw new Error(`No pod files in ${dir}: expected files named ${POD_FILE_PATTERN_TEXT}`);
  }

  const pods = [...filesByPod].map(([podId, files]): SimPod => ({
    graphql: generatePod(podId, files),
    panel: panelWith(files, options.panelToken),
  }));
  const spendPerHour = pods.reduce((sum, pod) => sum + (pod.graphql.costPerHr as number), 0);

  return {
    apiKey: options.apiKey ?? BUILTIN_API_KEY,
    account: {
      id: 'user_podsdir',
      clientBalance: 250,
      currentSpendPerHr: Math.round(spendPerHour * 1000) / 1000,
      spendLimit: 80,
    },
    pods,
    faults: [],
  };
}

function panelWith(files: PanelFile[], token: string | undefined): NonNullable<SimPod['panel']> {
  return token === undefined ? { files } : { files, token };
}

/** GPU types and prices (USD per hour) as the fixture pods in graphql-myself-pods.json have them. */
const GPU_TYPES = [
  { displayName: 'RTX A5000', costPerHr: 0.27, vcpuCount: 9, memoryInGb: 50 },
  { displayName: 'A100 80GB PCIe', costPerHr: 1.64, vcpuCount: 8, memoryInGb: 117 },
  { displayName: 'RTX 4090', costPerHr: 0.69, vcpuCount: 6, memoryInGb: 41 },
  { displayName: 'H100 80GB HBM3', costPerHr: 2.99, vcpuCount: 16, memoryInGb: 188 },
];
const LOCATIONS = ['EU-RO-1', 'US-KS-2', 'EU-SE-1', 'US-TX-3'];

/**
 * Generates the GraphQL object of a running pod. Values derive from a hash of the pod id, so the
 * same folder always gives the same scenario. The GPU is the one that the pod's first file in name
 * order names, when it is one of GPU_TYPES.
 */
function generatePod(podId: string, files: PanelFile[]): SimPod['graphql'] {
  const hash = createHash('sha256').update(podId).digest();
  const hex = hash.toString('hex');
  const gpuName = gpuNameFromFiles(files);
  const gpu = GPU_TYPES.find((type) => type.displayName === gpuName) ?? GPU_TYPES[hash[0]! % GPU_TYPES.length]!;
  const ip = `100.65.${hash[1]}.${hash[2]}`;
  const publicPort = 60000 + (hash.readUInt16BE(3) % 5000);

  return {
    id: podId,
    name: `comfy-${gpu.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${podId.slice(0, 4)}`,
    desiredStatus: 'RUNNING',
    costPerHr: gpu.costPerHr,
    adjustedCostPerHr: gpu.costPerHr,
    gpuCount: 1,
    vcpuCount: gpu.vcpuCount,
    memoryInGb: gpu.memoryInGb,
    imageName: 'registry.example/comfyui-control-panel:1.9',
    podType: 'RESERVED',
    ports: '7777/http,8188/http',
    lastStatusChange: 'Rented by User: Mon Nov 02 2026 09:00:00 GMT+0000 (Coordinated Universal Time)',
    uptimeSeconds: 0,
    machineId: `m${hex.slice(8, 15)}`,
    machine: { gpuDisplayName: gpu.displayName, location: LOCATIONS[hash[5]! % LOCATIONS.length] },
    runtime: {
      uptimeInSeconds: 86400 + (hash.readUInt16BE(6) % 86400),
      ports: [
        { ip, isIpPublic: false, privatePort: 7777, publicPort, type: 'http' },
        { ip, isIpPublic: false, privatePort: 8188, publicPort: publicPort + 1, type: 'http' },
      ],
      gpus: [{ id: `GPU-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`, gpuUtilPercent: 0, memoryUtilPercent: 0 }],
      container: { cpuPercent: 3, memoryPercent: 10 },
    },
  };
}

/**
 * Returns the GPU display name RunPod would show for the GPU the panel files name
 * ("NVIDIA GeForce RTX 4090" becomes "RTX 4090"), or undefined when no file names one.
 */
function gpuNameFromFiles(files: PanelFile[]): string | undefined {
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(file.body);
    } catch {
      continue; // A broken body is served as it is; it just names no GPU.
    }

    let name: unknown;
    if (file.kind === 'usage_log' && Array.isArray(parsed)) {
      name = parsed.find((event: unknown) => typeof (event as { gpu?: unknown } | null)?.gpu === 'string')?.gpu;
    } else if (file.kind === 'user_stats') {
      name = (parsed as { current_gpu?: { name?: unknown } } | null)?.current_gpu?.name;
    }
    if (typeof name === 'string') {
      return name.replace(/^NVIDIA\s+/, '').replace(/^GeForce\s+/, '');
    }
  }
  return undefined;
}
