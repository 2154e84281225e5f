import { describe, expect, it } from 'vitest';
import { isLinkLocalOrMetadata } from '../../../src/domain/metadata-address.js';
import { lookupRefusingLinkLocal } from '../../../src/resolvers/skylet-http.js';

describe('isLinkLocalOrMetadata', () => {
  it('knows link-local and the cloud metadata services', () => {
    for (const address of ['169.254.169.254', '169.254.0.1', 'fe80::1', '[fe80::abcd]', '::ffff:169.254.169.254', 'fd00:ec2::254', '100.100.100.200']) {
      expect(isLinkLocalOrMetadata(address)).toBe(true);
    }
  });

  it('passes ordinary addresses and names', () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '192.168.1.1', '::1', 'fd00::1', '100.100.100.201', 'metadata.google.internal', 'skylet.example.com']) {
      expect(isLinkLocalOrMetadata(address)).toBe(false);
    }
  });
});

describe('lookupRefusingLinkLocal', () => {
  const lookupOf = (addresses: string[]) =>
    lookupRefusingLinkLocal((_host, _options, callback) => callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))));
  const resolve = (lookup: ReturnType<typeof lookupOf>, all: boolean) =>
    new Promise<unknown>((done) => lookup('skylet.example', { all }, (error, address, family) => done(error ?? { address, family })));

  it('refuses a name when any of its addresses is link-local (a rebinding name may answer either)', async () => {
    const error = await resolve(lookupOf(['10.0.0.7', '169.254.169.254']), true);
    expect((error as Error).message).toBe(
      'skylet.example resolves to 169.254.169.254, which is a link-local or cloud metadata address, refused (skym server --skylet-allow-link-local allows it)',
    );
  });

  it('answers as dns.lookup does otherwise, with one address or all', async () => {
    expect(await resolve(lookupOf(['10.0.0.7', '10.0.0.8']), false)).toEqual({ address: '10.0.0.7', family: 4 });
    expect(await resolve(lookupOf(['10.0.0.7']), true)).toEqual({ address: [{ address: '10.0.0.7', family: 4 }], family: undefined });
  });
});
