/**
 * Entry point of the server process that `launchServers` forks. It runs the HTTPS server and
 * replies to the parent's ControlRequest messages. It exits when the parent disconnects or dies.
 */
import type { ControlMethods, ControlReply, ControlRequest } from './control-protocol';
import { startHttpsServer, type RunningServer } from './server';
import { ServerState } from './state';

type Implementation = {
  [Name in keyof ControlMethods]: (
    ...params: Parameters<ControlMethods[Name]>
  ) => ReturnType<ControlMethods[Name]> | Promise<ReturnType<ControlMethods[Name]>>;
};

let state: ServerState | undefined;
let server: RunningServer | undefined;

function requireState(): ServerState {
  if (state === undefined) {
    throw new Error('The server is not started: call start first');
  }
  return state;
}

const methods: Implementation = {
  async start(certificate, scenario) {
    if (server !== undefined) {
      throw new Error('The server is already started');
    }
    state = new ServerState(scenario);
    server = await startHttpsServer(state, certificate);
    return { port: server.port };
  },
  setScenario: (scenario) => requireState().setScenario(scenario),
  getScenario: () => requireState().scenario,
  updatePod: (podId, patch) => requireState().updatePod(podId, patch),
  setPanelFile: (podId, file) => requireState().setPanelFile(podId, file),
  appendEvents: (podId, events) => requireState().appendEvents(podId, events),
  addFault: (fault) => requireState().addFault(fault),
  clearFaults: () => requireState().clearFaults(),
  requests: () => requireState().requests,
  clearRequests: () => {
    requireState().requests = [];
  },
  async stop() {
    const running = server;
    server = undefined;
    await running?.close();
  },
};

async function handleControlRequest(request: ControlRequest): Promise<ControlReply> {
  try {
    const method = methods[request.method] as ((...params: unknown[]) => unknown) | undefined;
    if (method === undefined) {
      throw new Error(`Unknown control method "${String(request.method)}"`);
    }
    const result = await method(...request.params);
    return { id: request.id, ok: true, result: result ?? null };
  } catch (error) {
    return { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

if (process.send === undefined) {
  console.error('[test-servers] child.ts has no IPC channel: start it with launchServers(), which forks it.');
  process.exit(2);
}

process.on('message', (message: ControlRequest) => {
  void handleControlRequest(message).then((reply) => {
    // The parent may have gone between the request and the reply; the disconnect handler exits then.
    if (process.connected) {
      process.send!(reply);
    }
  });
});

// The parent stopped the server, exited or crashed, so no client can control this process any more.
process.on('disconnect', () => {
  process.exit(0);
});
