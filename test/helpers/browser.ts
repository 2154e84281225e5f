/**
 * A real Chromium for browser tests: Debian's `chromium` driven by playwright-core (Playwright's
 * own browser download cannot work here), with the network cut off: only the loopback address
 * resolves, and every request for another host is aborted and recorded.
 *
 * Without chromium on PATH the tests are skipped, except in CI, where .ci/run installs it.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'chromium')).find((path) => existsSync(path));
export const BROWSER_TESTS = CHROMIUM !== undefined || Boolean(process.env.CI);
export const LOOPBACK = '127.0.0.1';

export function launchOfflineChromium(): Promise<Browser> {
  if (CHROMIUM === undefined) throw new Error('no `chromium` on PATH: .ci/run installs it (apt-get install chromium).');
  // The network cut off at the resolver as well: only the loopback address resolves.
  return chromium.launch({ executablePath: CHROMIUM, args: [`--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${LOOPBACK}`] });
}

const local = (url: string) => ['data:', 'blob:'].includes(new URL(url).protocol) || new URL(url).hostname === LOOPBACK;

/** A fresh profile whose requests for other hosts are aborted and listed in `elsewhere`. */
export async function offlineContext(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; elsewhere: string[] }> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  const elsewhere: string[] = [];
  context.on('request', (request) => !local(request.url()) && elsewhere.push(request.url()));
  await context.route('**/*', (route) => (local(route.request().url()) ? route.continue() : route.abort('internetdisconnected')));
  return { context, elsewhere };
}
