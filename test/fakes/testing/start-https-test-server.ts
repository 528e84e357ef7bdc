import { type ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { generate } from 'selfsigned';
import type { ChildMessage, ParentMessage, ServerCertificates, ServerStats } from './https-test-server';

/** Host names the test certificates cover. */
export const TEST_CERTIFICATE_HOSTS = ['api.runpod.io', '*.proxy.runpod.net', 'untrusted.runpod.io', 'redirect.runpod.io'];

export interface HttpsTestServer {
  ports: { trusted: number; untrusted: number; plain: number };
  /** PEM of the certificate the trusted server presents, to pass as `ca`. */
  ca: string;
  stats(): Promise<ServerStats>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function makeCertificate(commonName: string): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: TEST_CERTIFICATE_HOSTS.map((host) => ({ type: 2 as const, value: host })) },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Forks https-test-server.ts with two certificates: one the tests trust, one they do not. */
export async function startHttpsTestServer(): Promise<HttpsTestServer> {
  const certificates: ServerCertificates = { trusted: await makeCertificate('fake trusted'), untrusted: await makeCertificate('fake untrusted') };
  const child: ChildProcess = fork(path.join(__dirname, 'https-test-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  let nextId = 1;
  const waiting = new Map<number, (message: ChildMessage) => void>();
  let onReady: ((ports: HttpsTestServer['ports']) => void) | undefined;
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'ready') onReady?.(message.ports);
    else waiting.get(message.id)?.(message);
  });
  const ask = (type: 'stats' | 'reset'): Promise<ChildMessage> =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, (message) => {
        waiting.delete(id);
        resolve(message);
      });
      child.send({ type, id } satisfies ParentMessage);
    });

  const ports = await new Promise<HttpsTestServer['ports']>((resolve, reject) => {
    onReady = resolve;
    child.once('exit', (code) => reject(new Error(`test server exited with code ${code} before it was ready`)));
    child.send({ type: 'start', certificates } satisfies ParentMessage);
  });

  return {
    ports,
    ca: certificates.trusted.cert,
    stats: async () => {
      const message = await ask('stats');
      if (message.type !== 'stats') throw new Error(`unexpected reply ${message.type}`);
      return message.stats;
    },
    reset: async () => {
      await ask('reset');
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
