/**
 * Placement under a burst gate, as the scheduler and the admission probe both do it: first with
 * the gate as the waiting policy sets it; if that leaves the workload waiting for the cheapest
 * tier, ask when that tier would start it, and when that is after the wait ends (or never),
 * place again with the gate open: waiting would only make it later, not cheaper.
 */
import { place, type PlacementInput, type PlacementResult } from '../scheduler/place.js';
import { openedByEstimate, type BurstGate } from './burst-gate.js';

/** When the named clusters would start the workload (ms; Infinity: never; undefined: cannot tell). */
export type StartEstimator = (waitingFor: readonly string[]) => number | undefined;

export function placeUnderGate(input: PlacementInput, gate: BurstGate | undefined, estimate?: StartEstimator): { result: PlacementResult; gate?: BurstGate } {
  const result = place({ ...input, burst: gate });
  // An infinite wait is never cut short: no estimate could open it.
  if (!gate || gate.open || gate.waitSeconds === Infinity || result.unplaced === 0 || !result.waitingFor || !estimate) return { result, gate };
  const start = estimate(result.waitingFor);
  if (start === undefined) return { result, gate };
  const opened = openedByEstimate(gate, start);
  if (!opened.open) return { result, gate: opened };
  return { result: place({ ...input, burst: opened }), gate: opened };
}
