import { X509Certificate } from 'node:crypto';

import { getTestCertificate } from './tls';

describe('getTestCertificate', () => {
  it('covers every simulated name', async () => {
    const certificate = new X509Certificate((await getTestCertificate()).cert);

    expect(certificate.subjectAltName).toBe('DNS:api.runpod.io, DNS:*.proxy.runpod.net, DNS:localhost, IP Address:127.0.0.1');
    expect(certificate.checkHost('a1b2c3d4e5-7777.proxy.runpod.net')).toBe('*.proxy.runpod.net');
    expect(certificate.checkHost('api.runpod.io')).toBe('api.runpod.io');
    expect(certificate.checkHost('runpod.io')).toBeUndefined();
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('is self-signed with fixed dates', async () => {
    const { cert, ca } = await getTestCertificate();
    const certificate = new X509Certificate(cert);

    expect(ca).toBe(cert);
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(new Date(certificate.validFrom).toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(new Date(certificate.validTo).toISOString()).toBe('2049-12-31T00:00:00.000Z');
  });

  it('is generated once', async () => {
    const first = await getTestCertificate();
    const second = await getTestCertificate();

    expect(second).toBe(first);
  });
});
