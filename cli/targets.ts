/**
 * The objects a command names, in either of kubectl's two forms: `KIND NAME…` (`get jobs a b`) or
 * `KIND/NAME…` (`get job/a deploy/b`), never both in one command line.
 */
import { Args, Errors } from '@oclif/core';
import type { Kind } from '../src/domain/kinds.js';
import { UsageError } from './errors.js';
import { KIND_NAMES, resolveKind } from './kinds.js';

/** The KIND and NAME… arguments of get, describe and delete; `names` says what the NAMEs are for. */
export function targetArgs(say: { kind?: string; names: string }) {
  return {
    kind: Args.string({ required: true, description: say.kind ?? `Kind of object: ${KIND_NAMES.join(', ')}; or KIND/NAME.` }),
    names: Args.string({ multiple: true, description: say.names }),
  };
}

/** Names of one kind, in the order given; no names means every object of the kind. */
export interface Target {
  kind: Kind;
  names: string[];
}

/**
 * `first` is the KIND argument, `rest` the NAMEs. Names of one kind are gathered into one target,
 * kinds in the order they first appear (`job/a deploy/b job/c` is jobs a, c, then deployment b).
 */
export function resolveTargets(first: string, rest: readonly string[] = []): Target[] {
  if (!first.includes('/')) {
    const slashed = rest.find((name) => name.includes('/'));
    if (slashed) throw new UsageError(`"${slashed}" names its kind already; give KIND NAME… or KIND/NAME…, not both (e.g. skym get ${slashed})`);
    return [{ kind: resolveKind(first), names: [...rest] }];
  }
  const targets: Target[] = [];
  for (const text of [first, ...rest]) {
    const at = text.indexOf('/');
    if (at < 0) throw new UsageError(`"${text}" has no kind; after ${first}, name every object as KIND/NAME`);
    const kind = resolveKind(text.slice(0, at));
    const name = text.slice(at + 1);
    if (name === '') throw new UsageError(`"${text}" has no name after the /`);
    const target = targets.find((t) => t.kind === kind);
    if (target) target.names.push(name);
    else targets.push({ kind, names: [name] });
  }
  return targets;
}

/** True when the command line named objects (by `KIND NAME` or `KIND/NAME`), not just a kind. */
export const namesObjects = (targets: readonly Target[]): boolean => targets.some((t) => t.names.length > 0);

/**
 * For commands that act on named objects only (describe, delete): `skym delete jobs` with no NAME
 * is a usage mistake (exit 2, as oclif's own), not "every job".
 */
export function requireNames(targets: readonly Target[], verb: string): void {
  if (namesObjects(targets)) return;
  throw new Errors.CLIError(`name the objects to ${verb}: skym ${verb} KIND NAME… or KIND/NAME…`, { exit: 2 });
}

/** Each object a describe or delete names, kinds in the order resolveTargets gives; none is a usage mistake. */
export function namedObjects(kind: string, names: readonly string[] | undefined, verb: string): { kind: Kind; name: string }[] {
  const targets = resolveTargets(kind, names ?? []);
  requireNames(targets, verb);
  return targets.flatMap((target) => target.names.map((name) => ({ kind: target.kind, name })));
}
