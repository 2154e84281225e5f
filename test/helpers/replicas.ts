/**
 * The live replica processes of local clusters, found the way a person would with `ps`: the
 * local manager starts each replica as the leader of its own process group, with SKY_JOB_NAME in
 * its environment. Replicas belong to their cluster and outlive the controller manager, so the
 * tests that start them stop them with these pids.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids (= process group ids) of the live replicas of the workloads named `workload`. */
export function replicaPids(workload: string | RegExp): number[] {
  const names = (environ: string[]) =>
    environ.filter((e) => e.startsWith('SKY_JOB_NAME=')).map((e) => e.slice('SKY_JOB_NAME='.length));
  const matches = (name: string) => (typeof workload === 'string' ? name === workload : workload.test(name));
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || Number(pgrp) !== Number(entry)) continue; // exited, or not a leader
      if (names(readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0')).some(matches)) pids.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return pids;
}

/** SIGKILLs the process groups of the live replicas of the matching workloads. */
export function killReplicas(workload: string | RegExp): void {
  for (const pid of replicaPids(workload)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
