import { generate } from 'selfsigned';

/** Names the test certificate covers: every host the product reaches, plus loopback. */
export const CERTIFICATE_DNS_NAMES = ['api.runpod.io', '*.proxy.runpod.net', 'localhost'];
export const CERTIFICATE_IP_ADDRESSES = ['127.0.0.1'];

export interface TestCertificate {
  /** PEM private key for the server. */
  key: string;
  /** PEM certificate for the server. It is self-signed, so clients pass this same PEM as their CA. */
  cert: string;
  /** The PEM clients trust: identical to `cert`. */
  ca: string;
}

let pending: Promise<TestCertificate> | undefined;

/**
 * Generates the self-signed server certificate once per process and returns the cached one
 * after that. An EC P-256 key takes a few milliseconds to generate, where RSA takes far longer.
 *
 * The validity dates are fixed instead of derived from `Date`, so a test that fakes the clock
 * (jest fake timers) still gets a certificate that TLS, which reads the real clock, accepts.
 */
export function getTestCertificate(): Promise<TestCertificate> {
  if (pending === undefined) {
    pending = createCertificate();
    // A failed generation must not poison every later call.
    pending.catch(() => {
      pending = undefined;
    });
  }
  return pending;
}

async function createCertificate(): Promise<TestCertificate> {
  const pems = await generate([{ name: 'commonName', value: 'runpod-usage-sheet test servers' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date('2020-01-01T00:00:00Z'),
    // Dates up to 2049 use UTCTime, which every TLS library reads.
    notAfterDate: new Date('2049-12-31T00:00:00Z'),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...CERTIFICATE_DNS_NAMES.map((value) => ({ type: 2 as const, value })),
          ...CERTIFICATE_IP_ADDRESSES.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert, ca: pems.cert };
}
