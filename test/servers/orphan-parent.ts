/**
 * Helper process for launch.test.ts: launches the servers, prints the server process's pid and
 * the port as one JSON line, then waits to be killed without stopping them.
 */
import { launchServers } from './launch';

void launchServers().then((handle) => {
  process.stdout.write(`${JSON.stringify({ pid: handle.pid, port: handle.port })}\n`);
  setInterval(() => undefined, 60_000);
});
