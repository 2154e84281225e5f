/**
 * What every `skym create KIND` command does once it has built its object from flags: create it
 * and say so in the demo's words (`Created job sky-165c0f23.`), returning the created object for
 * `--json`. A function rather than a base class: oclif collects static flags up the class chain
 * only through classes that declare statics of their own, and this step needs none.
 */
import type { Manifest } from '../src/client/index.js';
import type { Kind } from '../src/domain/kinds.js';
import type { ObjectsByKind } from '../src/domain/types.js';
import type { Connection } from './api-command.js';
import type { Output } from './format.js';
import { objectPhrase, viewOf } from './kinds.js';

export async function createObject<K extends Kind>(connection: Connection, out: Output, kind: K, manifest: Manifest<K>): Promise<ObjectsByKind[K]> {
  const created = await connection.api(kind).create(manifest);
  out.log(`Created ${objectPhrase(kind, created.metadata.name, created.metadata.namespace)}.`);
  return created;
}

/**
 * `skym create deploy`, `create ns`, `create fp`: the short names `skym get` accepts, for create
 * too; hidden, so help lists each command once.
 */
export function createAliases(kind: Kind): string[] {
  return viewOf(kind).names.slice(2).map((name) => `create:${name}`);
}
