/**
 * bench/dos: the denial-of-service requests of issue 12 against real server processes, side by
 * side for several builds (a checkout of the code before the limits, say, and this one):
 *
 *   npm run build && node dist/bench/dos/run.js --builds before=/path/to/old/checkout,after=.
 *                                               [--jobs 50] [--timeout-ms 30000] [--attacks a,b]
 *
 * Each build is a directory with a built `bin/run.js`. For each attack it starts a fresh `skym
 * server --store memory --token-auth-file …` of that build, creates `--jobs` Jobs, then sends the
 * attack while polling /healthz every 100 ms, and prints the time to the answer, its status and
 * code, the answer's size, the server's RSS before and after, and the slowest /healthz answer
 * during the attack (a request still waiting when the attack ends counts with its wait so far).
 * An attack still unanswered after --timeout-ms is reported as such and its server killed.
 * Everything stays on this machine (127.0.0.1); every server is stopped by its pid.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnProcess, type SupervisedProcess } from '../../fixtures/process/supervisor.js';
import { DOCUMENTS } from '../../src/client/documents.js';

const { values: args } = parseArgs({
  options: {
    builds: { type: 'string', default: 'current=.' },
    jobs: { type: 'string', default: '50' },
    'timeout-ms': { type: 'string', default: '30000' },
    attacks: { type: 'string' },
  },
});
const builds = args.builds.split(',').map((entry) => {
  const [name, root] = entry.includes('=') ? entry.split('=') : [entry, entry];
  return { name, root: resolve(root) };
});
const jobCount = Number(args.jobs);
const timeoutMs = Number(args['timeout-ms']);

const VIEWER = 'bench-viewer-0123456789';
const EDITOR = 'bench-editor-0123456789';

const times = (n: number, text: (i: number) => string) => Array.from({ length: n }, (_, i) => text(i)).join(' ');
const META = 'name namespace uid labels annotations resourceVersion generation creationTimestamp';
const SPEC = 'image run replicas restartPolicy waitTimeout';
const STATUS = 'phase startTime completionTime readyReplicas observedGeneration';

interface Attack {
  name: string;
  /** What is sent: a GraphQL document (POSTed as JSON), or a raw request. */
  query?: string;
  body?: string;
  path?: string;
  method?: 'GET' | 'POST';
  token?: string | null;
}

const ATTACKS: Attack[] = [
  { name: '10,000 aliases of jobs { items { metadata { name } } }', query: `{ ${times(10_000, (i) => `a${i}: jobs { items { metadata { name } } }`)} }` },
  { name: '3,000 conflicting fields under one alias', query: `{ jobs { items { metadata { ${times(3_000, (i) => (i % 2 ? 'a: name' : 'a: uid'))} } } } }` },
  { name: '10,000 duplicate fields', query: `{ jobs { items { metadata { ${'name '.repeat(10_000)} } } } }` },
  {
    name: 'unauthenticated 112 KB of conflicting aliases',
    query: `{ jobs { items { metadata { ${times(15_000, (i) => (i % 2 ? 'a: name' : 'a: uid'))} } } } }`,
    token: null,
  },
  { name: 'selections nested 10,000 deep', query: `{ ${'jobs { '.repeat(10_000)} kind ${'} '.repeat(10_000)} }` },
  { name: 'list literal nested 10,000 deep', query: `{ jobs(labelSelector: ${'['.repeat(10_000)}${']'.repeat(10_000)}) { kind } }` },
  {
    name: 'fragment bomb (30 levels, 2^30 fields)',
    query: `query { ...F30 } fragment F0 on Query { jobs { items { metadata { name } } } } ${times(30, (i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`)}`,
  },
  { name: 'GET ?variables=%7B', method: 'GET', path: `/graphql?query=${encodeURIComponent('{ __typename }')}&variables=%7B` },
  {
    name: 'variables nested 1,000,000 deep (2 MB)',
    body: `{"query": "query($x: [String]) { __typename }", "variables": {"x": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}}`,
  },
  // For scale: what an ordinary first request costs a fresh server (its code not yet warm).
  { name: "ordinary: the typed client's Job list", query: DOCUMENTS.Job.list.toString() },
  // Passes every limit of the new build: what the worst accepted document costs.
  {
    name: 'within the limits: 20 repeats of a 24-field list',
    query: `{ ${`jobs { items { kind metadata { ${META} } spec { ${SPEC} } status { ${STATUS} } } } `.repeat(21)} }`,
  },
];

interface Server {
  base: string;
  process: SupervisedProcess;
}

async function startServer(root: string, tokenFile: string): Promise<Server> {
  const child = await spawnProcess({
    name: `${root}: the server`,
    command: join(root, 'bin', 'run.js'),
    args: ['server', '--host', '127.0.0.1', '--port', '0', '--store', 'memory', '--token-auth-file', tokenFile],
    cwd: root,
    env: { ...process.env, SKYM_LOG_LEVEL: 'silent' },
  });
  try {
    const [, url] = await child.waitForOutput(/listening on (http:\/\/\S+)/, 30_000);
    return { base: url.replace(/\/graphql$/, ''), process: child };
  } catch (error) {
    await child.kill('SIGKILL');
    throw error;
  }
}

async function stopServer(server: Server, hard: boolean): Promise<void> {
  await (hard ? server.process.kill('SIGKILL') : server.process.stop('SIGTERM', 10_000));
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

function request(base: string, attack: Attack, signal: AbortSignal) {
  const token = attack.token === undefined ? VIEWER : attack.token;
  const method = attack.method ?? 'POST';
  return fetch(`${base}${attack.path ?? '/graphql'}`, {
    method,
    headers: { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: method === 'POST' ? (attack.body ?? JSON.stringify({ query: attack.query })) : undefined,
    signal,
  });
}

/** The slowest /healthz answer while `until` is pending, polling every 100 ms. */
function watchHealth(base: string, until: Promise<unknown>): Promise<number> {
  let done = false;
  const end = () => void (done = true);
  until.then(end, end);
  return (async () => {
    let slowest = 0;
    while (!done) {
      const started = performance.now();
      const answered = fetch(`${base}/healthz`).then(() => performance.now() - started, () => performance.now() - started);
      // A probe still waiting when the attack ends counts with its wait so far.
      const waited = await Promise.race([answered, until.then(() => performance.now() - started, () => performance.now() - started)]);
      slowest = Math.max(slowest, waited);
      await new Promise((next) => setTimeout(next, 100));
    }
    return slowest;
  })();
}

interface Row {
  build: string;
  attack: string;
  answer: string;
  ms: number;
  bytes: number;
  rssBefore: number;
  rssAfter: number;
  healthzMaxMs: number;
}

async function run(build: { name: string; root: string }, attack: Attack, tokenFile: string): Promise<Row> {
  const server = await startServer(build.root, tokenFile);
  let timedOut = false;
  try {
    for (let i = 0; i < jobCount; i++) {
      await fetch(`${server.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${EDITOR}` },
        body: JSON.stringify({ query: `mutation { createJob(input: {metadata: {name: "j${i}"}, spec: {image: "i", run: "r"}}) { kind } }` }),
      });
    }
    const rssBefore = await rssMiB(server.process.pid);
    const started = performance.now();
    const answered = (async () => {
      const response = await request(server.base, attack, AbortSignal.timeout(timeoutMs));
      const text = await response.text();
      let code = '';
      try {
        code = JSON.parse(text).errors?.[0]?.extensions?.code ?? '';
      } catch {
        // Not JSON: the status says enough.
      }
      return { status: response.status, code, bytes: text.length, ms: performance.now() - started };
    })();
    const [result, healthzMaxMs] = await Promise.all([answered.catch(() => undefined), watchHealth(server.base, answered)]);
    timedOut = result === undefined;
    return {
      build: build.name,
      attack: attack.name,
      answer: result ? `${result.status} ${result.code}`.trim() : `no answer in ${timeoutMs / 1000} s`,
      ms: result ? result.ms : performance.now() - started,
      bytes: result?.bytes ?? 0,
      rssBefore,
      rssAfter: await rssMiB(server.process.pid),
      healthzMaxMs,
    };
  } finally {
    await stopServer(server, timedOut);
  }
}

const number = (value: number, digits = 0) => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'skym-bench-dos-'));
  const tokenFile = join(dir, 'tokens.csv');
  await writeFile(tokenFile, `${VIEWER},viewer,1,sky:viewers\n${EDITOR},editor,2,sky:editors\n`);
  const chosen = args.attacks ? ATTACKS.filter((attack) => args.attacks!.split(',').some((word) => attack.name.includes(word))) : ATTACKS;
  try {
    console.log('| attack | build | answer | time to answer ms | answer bytes | server RSS MiB before → after | slowest /healthz ms during |');
    console.log('|---|---|---|---|---|---|---|');
    for (const attack of chosen) {
      for (const build of builds) {
        const row = await run(build, attack, tokenFile);
        console.log(
          `| ${row.attack} | ${row.build} | ${row.answer} | ${number(row.ms, row.ms < 100 ? 1 : 0)} | ${number(row.bytes)} | ${number(row.rssBefore)} → ${number(row.rssAfter)} | ${number(row.healthzMaxMs, row.healthzMaxMs < 100 ? 1 : 0)} |`,
        );
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
