/**
 * bench/console: the web console with 10,000 jobs: time to first render, and how it keeps up
 * with 100 job updates a second.
 *
 *   npm run build && node dist/bench/console/render.js [--jobs 10000] [--rate 100] [--seconds 10]
 *
 * A real API server (memory store) is filled with `--jobs` Jobs through the API; Debian's Chromium
 * (playwright-core) opens the Jobs view. First render: navigation start to the table showing
 * every job ("10,000 of 10,000") and its first row. Then `--rate` status writes a second for
 * `--seconds`, each to one of the 20 jobs at the top of the table (those on screen), carrying a
 * sequence number in a condition's message, which the table's "Why" column shows. The page
 * records, every frame, which numbers it shows: the delay from a write's answer to the frame
 * that shows it, and the gaps between frames (a long gap is a stutter).
 */
import { parseArgs } from 'node:util';
import { JobAPI, SkyClient } from '../../src/client/index.js';
import { launchOfflineChromium } from '../../test/helpers/browser.js';
import { startServer } from '../../test/helpers/server.js';
import { printTable } from '../queues/table.js';
import { drive, percentile, rssMiB } from '../api/load.js';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
  },
});
const jobs = Number(args.jobs);
const rate = Number(args.rate);
const seconds = Number(args.seconds);
for (const [name, value] of Object.entries({ jobs, rate, seconds })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number above 0, got ${value}`);
}
const ON_SCREEN = 20;
const nameOf = (i: number) => `job-${String(i).padStart(6, '0')}`;

console.log(`bench/console on Node ${process.version}, ${new Date().toISOString()}`);
const server = await startServer({ store: 'memory' });
const client = new SkyClient({ url: server.url });
const api = new JobAPI({ client });
const browser = await launchOfflineChromium();
try {
  const fill = await drive(16, (i) => api.create({ metadata: { name: nameOf(i) }, spec: { run: 'true', resources: { cpu: 1 } } }).then(() => undefined), { count: jobs });
  console.log(`${jobs} jobs created at ${Math.round(fill.perSecond)}/s`);

  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  const base = server.url.replace(/\/graphql$/, '');
  const total = jobs.toLocaleString('en-US');
  await page.goto(`${base}/console/#/jobs`);
  await page.waitForFunction((expected) => document.querySelector('[data-field=count]')?.textContent === `${expected} of ${expected}` && document.querySelector('[data-workload]') !== null, total, { timeout: 120_000, polling: 'raf' });
  const firstRender = await page.evaluate(() => performance.now());
  const resources = await page.evaluate(() => performance.getEntriesByType('resource').reduce((n, e) => n + (e as PerformanceResourceTiming).encodedBodySize, 0));

  // Every frame: which sequence numbers are on screen now, and the frame's time (epoch ms).
  await page.evaluate(() => {
    const w = window as unknown as { seen: Record<string, number>; gaps: number[] };
    w.seen = {};
    w.gaps = [];
    let last = performance.now();
    const frame = (now: number) => {
      w.gaps.push(now - last);
      last = now;
      for (const cell of document.querySelectorAll('[data-workload] .reason')) {
        const seq = /^seq (\d+)$/.exec(cell.textContent ?? '')?.[1];
        if (seq && w.seen[seq] === undefined) w.seen[seq] = Date.now();
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });

  const answeredAt = new Map<string, number>();
  const interval = 1000 / rate;
  const started = Date.now();
  const writes: Promise<void>[] = [];
  for (let n = 0; n < rate * seconds; n++) {
    const due = started + n * interval;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const seq = String(n + 1);
    const name = nameOf(n % ON_SCREEN);
    writes.push(
      api
        .updateStatus({
          metadata: { name },
          status: { phase: 'PENDING', conditions: [{ type: 'Bench', status: 'True', reason: 'Bench', message: `seq ${seq}`, lastTransitionTime: new Date().toISOString() }] },
        })
        .then(() => void answeredAt.set(seq, Date.now())),
    );
  }
  await Promise.all(writes);
  const achieved = (rate * seconds) / ((Date.now() - started) / 1000);
  await new Promise((r) => setTimeout(r, 1000));
  const { seen, gaps } = await page.evaluate(() => {
    const w = window as unknown as { seen: Record<string, number>; gaps: number[] };
    return { seen: w.seen, gaps: w.gaps };
  });

  // A write superseded on its row before the next frame is never on screen; the last write of
  // each row always is.
  const delays = [...answeredAt].filter(([seq]) => seen[seq] !== undefined).map(([seq, at]) => Math.max(0, seen[seq] - at)).sort((a, b) => a - b);
  const lastPerRow = [...Array(ON_SCREEN).keys()].map((row) => String(rate * seconds - ((rate * seconds - 1 - row) % ON_SCREEN)));
  const frames = gaps.slice(1).sort((a, b) => a - b);
  printTable(`console: ${total} jobs, ${rate} updates/s for ${seconds} s to the ${ON_SCREEN} rows on screen`, [
    {
      'first render ms': Math.round(firstRender),
      'bytes fetched (JS, CSS, the list)': resources,
      'updates/s sent': Math.round(achieved),
      'shown / sent': `${delays.length} / ${answeredAt.size}`,
      'last per row shown': `${lastPerRow.filter((s) => seen[s] !== undefined).length} / ${ON_SCREEN}`,
      'shown after p50 ms': percentile(delays, 50),
      'shown after p99 ms': percentile(delays, 99),
      'frame gap p50 ms': percentile(frames, 50),
      'frame gap p99 ms': percentile(frames, 99),
      'frame gap max ms': frames[frames.length - 1] ?? NaN,
      'server RSS MiB': rssMiB(server.pid),
    },
  ]);
} finally {
  await browser.close();
  await client.close();
  await server.stop();
}
