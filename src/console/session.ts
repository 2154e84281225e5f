/**
 * The console's connection to the server it was loaded from, and the token it uses.
 *
 * The token is kept in this tab's sessionStorage: readable by this origin only (no other site
 * can), gone when the tab closes, never in a cookie (so no other site can make the browser send
 * it) and never in the URL (so not in history or logs).
 */
import { AuthAPI, type UserInfo } from '../client/auth-api.js';
import { SkyClient } from '../client/connection.js';

const TOKEN_KEY = 'sky-console-token';

export const storedToken = (): string | undefined => sessionStorage.getItem(TOKEN_KEY) ?? undefined;
export const storeToken = (token: string) => sessionStorage.setItem(TOKEN_KEY, token);
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);

export interface Session {
  client: SkyClient;
  user: UserInfo;
}

export const apiUrl = () => `${location.origin}/graphql`;

/** Connects with `token` (or none) and asks who that is; throws the client's errors (UnauthenticatedError, ConnectionError). */
export async function openSession(token: string | undefined): Promise<Session> {
  // The typed client's default token is $SKYM_TOKEN; a page has none, so '' means "send none".
  const client = new SkyClient({ url: apiUrl(), token: token ?? '' });
  try {
    const user = await new AuthAPI({ client }).whoAmI();
    return { client, user };
  } catch (error) {
    await client.close();
    throw error;
  }
}
