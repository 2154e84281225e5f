/**
 * Replicas as process groups on this machine (Linux: identity checks read /proc).
 *
 * Each replica is a small wrapper shell, detached into its own session and process group, that
 * runs `sh -c "$run"` and writes the exit status to a file before it exits. The file is what lets
 * a restarted controller, which is not the parent and so cannot wait() for the process, still
 * learn how the replica ended. The wrapper's $0 carries a random token; a pid counts as the
 * replica only while /proc/<pid>/cmdline still shows that token, so a reused pid is never
 * mistaken for a replica and never killed.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

// $1 is the user's command, $2 the exit status file. The inner shell is a child, not exec'd, so
// the wrapper outlives it and can record its status.
const WRAPPER = 'sh -c "$1"; status=$?; echo "$status" > "$2"; exit "$status"';

export interface ReplicaProcessSpec {
  run: string;
  env: Record<string, string>;
  cwd: string;
  logFile: string;
  exitFile: string;
  token: string;
}

function marker(token: string): string {
  return `sky-replica-${token}`;
}

/** Starts the replica and returns the pid of its wrapper, which is also its process group id. */
export function startReplicaProcess(spec: ReplicaProcessSpec, onExit: () => void): number {
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn('sh', ['-c', WRAPPER, marker(spec.token), spec.run, spec.exitFile], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    // Spawn failures are also emitted as 'error'; unheard, that event would crash the controller.
    child.on('error', () => undefined);
    if (child.pid === undefined) throw new Error('cannot start sh');
    child.once('exit', () => {
      killLeftovers(child.pid!);
      onExit();
    });
    // The controller must be able to exit (and restart) while replicas keep running.
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

async function cmdline(pid: number): Promise<string[]> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
  } catch {
    return [];
  }
}

/** Whether `pid` is alive and is the replica started with `token` (a zombie's cmdline is empty). */
export async function isReplicaProcess(pid: number, token: string): Promise<boolean> {
  return (await cmdline(pid)).includes(marker(token));
}

/**
 * The pid of the replica started with `token`, searched in /proc. Only needed when the controller
 * died between starting a process and recording its pid.
 */
export async function findReplicaProcess(token: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (await isReplicaProcess(pid, token)) return pid;
  }
  return undefined;
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nothing left in the group
  }
}

/**
 * SIGTERM to the whole group, then SIGKILL to what is left once the wrapper has gone or the grace
 * period is over. Waiting for the wrapper rather than for the whole group matters where nothing
 * reaps orphans (a container without an init): their zombies would keep the group "alive".
 */
export async function stopProcessGroup(pgid: number, token: string, gracePeriodMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + gracePeriodMs;
  while (Date.now() < deadline && (await isReplicaProcess(pgid, token))) await sleep(20);
  signalGroup(pgid, 'SIGKILL');
  // Signals are delivered asynchronously: wait (a bounded while) until no member of the group
  // still runs, so a deleted workload has no process left when delete resolves.
  const killDeadline = Date.now() + KILL_WAIT_MS;
  while (Date.now() < killDeadline && (await hasLiveMember(pgid))) await sleep(10);
}

/** How long stopProcessGroup waits for SIGKILLed members to be gone. */
const KILL_WAIT_MS = 2_000;

/** Whether any process of group `pgid` is alive (zombies, dead but not reaped, do not count). */
async function hasLiveMember(pgid: number): Promise<boolean> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // After the command's name in parentheses: state, ppid, pgrp, ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') return true;
  }
  return false;
}

/**
 * Kills what a finished replica left behind (`cmd &` without wait), right when its wrapper exits:
 * a group id is not reused while any member of the group is alive, so this hits only leftovers.
 */
function killLeftovers(pgid: number): void {
  signalGroup(pgid, 'SIGKILL');
}
