/**
 * How `skym server` (and up, controllers: the same logger) writes its logs: lines for a person on
 * a terminal, JSON lines for tools everywhere else. The terminal is a real pseudo-terminal, made
 * by util-linux's `script`, around the real binary.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/root.js';
import { startServer } from '../helpers/server.js';

const LISTENING = /Sky Manager API listening on http:\/\/\S+/;

/** Runs `skym server` on a pseudo-terminal until it says it listens, then stops it (SIGTERM, by pid). */
function serverOnTerminal(): Promise<string> {
  const command = 'exec node bin/run.js server --host 127.0.0.1 --port 0 --store memory';
  const env = { ...process.env, NO_COLOR: '1', SKYM_LOG_LEVEL: 'info' };
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: PROJECT_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (LISTENING.test(output) && /API server started/.test(output) && child.exitCode === null) child.kill('SIGTERM');
    });
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(timer);
      resolve(output.replaceAll('\r', ''));
    });
  });
}

describe('server logs', () => {
  it('on a terminal: one readable line per event, its fields after the message', async () => {
    const output = await serverOnTerminal();
    expect(output).toMatch(LISTENING);
    expect(output).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: API server started \{"url":"http:\/\/127\.0\.0\.1:\d+\/graphql","store":"memory","authentication":"none"\}$/m);
    expect(output).not.toContain('"level"');
  });

  it('anywhere else (here, a pipe): one JSON object per line, for tools', async () => {
    const server = await startServer({ env: { SKYM_LOG_LEVEL: 'info' } });
    await server.stop();
    const lines = server.logs().trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(expect.objectContaining({ level: 30, msg: 'API server started', store: 'memory' }));
  });
});
