/**
 * skym up with OIDC: its built-in controllers need a token the API accepts, which only a token
 * file can give them, so OIDC without one stops the start before anything runs.
 */
import { describe, expect, it } from 'vitest';
import { loadUpConfig } from '../../../src/config/up.js';
import { startUp } from '../../../src/roots/up.js';

describe('startUp with OIDC', () => {
  it('refuses OIDC without a token file, naming both flags and the group its controllers need', async () => {
    const config = loadUpConfig({ apiServer: { oidcIssuer: 'https://accounts.example.com', oidcAudience: 'sky', oidcJwks: '/nonexistent/jwks.json', store: 'memory' } }, {});
    await expect(startUp(config)).rejects.toThrow('skym up with --oidc-issuer needs --token-auth-file too: its controllers use the token of the file\'s first user in group sky:controllers.');
  });
});
