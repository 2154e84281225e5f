/**
 * What each root field asks of the authorizer: a verb on a resource, and where, from the
 * field's argument values. Derived from the kinds, as the root fields are (src/schema/
 * resource-fields.ts): for Job, `jobs` is list, `job` get, `createJob` create, `updateJob`
 * update, `deleteJob` delete, `watchJobs` watch, `updateJobStatus` and the owners' writes
 * (setJobAdmission, setJobPlacements, reportJobReplicas) update of `jobs/status`, `jobLogs`
 * and `followJobLogs` get of `jobs/log`. A root field not derived here is refused to everyone
 * but system:masters: refusing by default is the safe mistake.
 */
import { DEFAULT_NAMESPACE, KIND_INFO, KINDS, type Kind } from '../../domain/kinds.js';
import { rootFieldStems } from '../../domain/root-fields.js';
import type { RbacVerb } from '../../domain/spec/rbac-spec.js';

export interface FieldAccess {
  kind: Kind;
  verb: RbacVerb;
  resource: string;
  /** The namespace and name the field's arguments address; namespace undefined for a namespaced kind: all of them. */
  locate(args: Record<string, unknown>): { namespace?: string; name?: string };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {});

function accessTable(): Map<string, FieldAccess> {
  const table = new Map<string, FieldAccess>();
  for (const kind of KINDS) {
    const { plural, namespaced } = KIND_INFO[kind];
    const { single, plural: many } = rootFieldStems(kind);
    // A missing namespace means the default one where the schema defaults it, and all of them for lists and watches.
    const where = (namespace: unknown, fallback: string | undefined) => (namespaced ? (text(namespace) ?? fallback) : undefined);
    const byArgs = (args: Record<string, unknown>) => ({ namespace: where(args.namespace, DEFAULT_NAMESPACE), name: text(args.name) });
    const overAll = (args: Record<string, unknown>) => ({ namespace: where(args.namespace, undefined) });
    const byInput = (withName: boolean) => (args: Record<string, unknown>) => {
      const metadata = record(record(args.input).metadata);
      return { namespace: where(metadata.namespace, DEFAULT_NAMESPACE), name: withName ? text(metadata.name) : undefined };
    };
    const byTarget = (args: Record<string, unknown>) => {
      const input = record(args.input);
      return { namespace: where(input.namespace, DEFAULT_NAMESPACE), name: text(input.name) };
    };
    const add = (field: string, verb: RbacVerb, resource: string, locate: FieldAccess['locate']) => table.set(field, { kind, verb, resource, locate });
    add(many, 'list', plural, overAll);
    add(single, 'get', plural, byArgs);
    // Kubernetes' rule: a create names no existing object, so resourceNames never allow one.
    add(`create${kind}`, 'create', plural, byInput(false));
    add(`update${kind}`, 'update', plural, byInput(true));
    add(`update${kind}Status`, 'update', `${plural}/status`, byInput(true));
    add(`delete${kind}`, 'delete', plural, byArgs);
    add(`watch${many[0].toUpperCase()}${many.slice(1)}`, 'watch', plural, overAll);
    if (kind === 'Job' || kind === 'Deployment') {
      for (const owner of [`set${kind}Admission`, `set${kind}Placements`, `report${kind}Replicas`]) add(owner, 'update', `${plural}/status`, byTarget);
      add(`${single}Logs`, 'get', `${plural}/log`, byArgs);
      add(`follow${kind}Logs`, 'get', `${plural}/log`, byArgs);
    }
  }
  return table;
}

const TABLE = accessTable();

/** Questions callers ask about themselves (whoAmI, accessReview): any authenticated caller may. */
export const SELF_FIELDS: ReadonlySet<string> = new Set(['whoAmI', 'accessReview']);

export function fieldAccess(field: string): FieldAccess | undefined {
  return TABLE.get(field);
}

/** Every root field the table covers (for the test that the schema has no other). */
export function coveredFields(): string[] {
  return [...TABLE.keys()];
}
