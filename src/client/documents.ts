/**
 * Every GraphQL document the client sends. One fragment per kind selects every field of the
 * contract's type, so an object read here and written back loses nothing; the operations are then
 * generated from one template per verb, since they differ between kinds only in names.
 * test/unit/client/documents.test.ts validates all of them against the committed schema.graphql,
 * which is how drift between this file and the server is caught.
 *
 * Root fields are aliased (`object`, `list`, `event`) so the code reading responses is the same
 * for every kind.
 */
import { KIND_INFO, KINDS, type Kind } from '../domain/kinds.js';

const META = /* GraphQL */ `
fragment ObjectMetaFields on ObjectMeta {
  name namespace uid labels annotations resourceVersion generation creationTimestamp
}`;

const CONDITION = /* GraphQL */ `
fragment ConditionFields on Condition { type status reason message lastTransitionTime }`;

const RESOURCES = /* GraphQL */ `
fragment ResourcesFields on Resources { cpu memory gpu accelerator }`;

const CLUSTER = /* GraphQL */ `
fragment ClusterFields on Cluster {
  kind
  metadata { ...ObjectMetaFields }
  spec {
    manager
    kubernetes { context kubeconfigPath }
    slurm { slurmConf sshHost partition }
    local { cpu memory gpu }
    waitTimeout
  }
  status {
    phase
    conditions { ...ConditionFields }
    capacity { ...ResourcesFields }
    allocatable { ...ResourcesFields }
    nodes { name capacity { ...ResourcesFields } allocatable { ...ResourcesFields } ready }
    acceleratorTypes
    message
    skyletEndpoint
  }
}`;

const NAMESPACE = /* GraphQL */ `
fragment NamespaceFields on Namespace {
  kind
  metadata { ...ObjectMetaFields }
  status { phase conditions { ...ConditionFields } }
}`;

// Job and Deployment share their spec and status types.
const WORKLOAD = /* GraphQL */ `
fragment WorkloadSpecFields on WorkloadSpec {
  image run
  envs { name value }
  resources { ...ResourcesFields }
  replicas restartPolicy
  placement { clusterSelector preferences { selector weight } strategy }
  waitTimeout
}
fragment WorkloadStatusFields on WorkloadStatus {
  phase
  conditions { ...ConditionFields }
  placements { cluster replicas }
  replicaStatus {
    cluster pending running succeeded failed externalId exitCodes message
    evictionRequest { replicas requestedAt message }
  }
  evictions { cluster replicas at reason message requestedAt }
  observedGeneration startTime completionTime readyReplicas
}`;

const workload = (kind: 'Job' | 'Deployment') => /* GraphQL */ `
fragment ${kind}Fields on ${kind} {
  kind
  metadata { ...ObjectMetaFields }
  spec { ...WorkloadSpecFields }
  status { ...WorkloadStatusFields }
}`;

const FILTER_POLICY = /* GraphQL */ `
fragment FilterPolicyFields on FilterPolicy {
  kind
  metadata { ...ObjectMetaFields }
  spec { clusterFilter { include exclude clusterSelector } labelsSelector }
  status { phase conditions { ...ConditionFields } }
}`;

/**
 * Each kind's fragment with exactly the fragments it spreads: GraphQL rejects a document that
 * defines a fragment it does not use.
 */
const FRAGMENTS: Record<Kind, string> = {
  Cluster: CLUSTER + META + CONDITION + RESOURCES,
  Namespace: NAMESPACE + META + CONDITION,
  Job: workload('Job') + WORKLOAD + META + CONDITION + RESOURCES,
  Deployment: workload('Deployment') + WORKLOAD + META + CONDITION + RESOURCES,
  FilterPolicy: FILTER_POLICY + META + CONDITION,
};

/** The plural root fields; `FilterPolicy` does not pluralize by appending an "s". */
const LIST_FIELDS: Record<Kind, string> = {
  Cluster: 'clusters',
  Namespace: 'namespaces',
  Job: 'jobs',
  Deployment: 'deployments',
  FilterPolicy: 'filterPolicies',
};

export interface KindDocuments {
  /** Variables: namespace? (namespaced kinds; omitted = all namespaces), labelSelector?. */
  list: string;
  /** Variables: name, namespace (namespaced kinds). */
  get: string;
  /** Variables: input (`<Kind>Input`), dryRun?. */
  create: string;
  update: string;
  /** Variables: input (`<Kind>StatusUpdateInput`). */
  updateStatus: string;
  /** Variables: name, namespace (namespaced kinds). */
  delete: string;
  /** Variables: namespace? (namespaced kinds), resourceVersion?, labelSelector?. */
  watch: string;
}

function documentsFor(kind: Kind): KindDocuments {
  const { namespaced } = KIND_INFO[kind];
  const single = kind[0].toLowerCase() + kind.slice(1);
  const plural = LIST_FIELDS[kind];
  const Plural = plural[0].toUpperCase() + plural.slice(1);
  const fields = `{ ...${kind}Fields }`;
  const fragments = FRAGMENTS[kind];
  // Namespaced kinds take a namespace; it is required where one object is addressed.
  const nameVars = namespaced ? '($namespace: String!, $name: String!)' : '($name: String!)';
  const nameArgs = namespaced ? '(namespace: $namespace, name: $name)' : '(name: $name)';
  const scopeVars = namespaced ? '$namespace: String, ' : '';
  const scopeArgs = namespaced ? 'namespace: $namespace, ' : '';
  const mutation = (verb: string, field: string, inputType: string) =>
    `mutation ${verb}($input: ${inputType}!) { object: ${field}(input: $input) ${fields} }${fragments}`;
  const write = (verb: string, field: string) =>
    `mutation ${verb}($input: ${kind}Input!, $dryRun: Boolean) { object: ${field}(input: $input, dryRun: $dryRun) ${fields} }${fragments}`;

  return {
    list:
      `query List${Plural}(${scopeVars}$labelSelector: String) {
        list: ${plural}(${scopeArgs}labelSelector: $labelSelector) { kind resourceVersion items ${fields} }
      }` + fragments,
    get: `query Get${kind}${nameVars} { object: ${single}${nameArgs} ${fields} }${fragments}`,
    create: write(`Create${kind}`, `create${kind}`),
    update: write(`Update${kind}`, `update${kind}`),
    updateStatus: mutation(`Update${kind}Status`, `update${kind}Status`, `${kind}StatusUpdateInput`),
    delete: `mutation Delete${kind}${nameVars} { object: delete${kind}${nameArgs} ${fields} }${fragments}`,
    watch:
      `subscription Watch${Plural}(${scopeVars}$resourceVersion: String, $labelSelector: String) {
        event: watch${Plural}(${scopeArgs}resourceVersion: $resourceVersion, labelSelector: $labelSelector) {
          type resourceVersion object ${fields}
        }
      }` + fragments,
  };
}

export const DOCUMENTS = Object.fromEntries(KINDS.map((kind) => [kind, documentsFor(kind)])) as Record<
  Kind,
  KindDocuments
>;

/** The log operations of Jobs and Deployments; root fields aliased `lines` (query) and `line`. */
export interface LogDocuments {
  /** Variables: namespace, name, tail?. */
  logs: string;
  /** Variables: namespace, name, tail?. */
  follow: string;
}

function logDocumentsFor(kind: 'Job' | 'Deployment'): LogDocuments {
  const single = kind[0].toLowerCase() + kind.slice(1);
  const vars = '($namespace: String!, $name: String!, $tail: Int)';
  const args = '(namespace: $namespace, name: $name, tail: $tail)';
  return {
    logs: `query ${kind}Logs${vars} { lines: ${single}Logs${args} { cluster replica line } }`,
    follow: `subscription Follow${kind}Logs${vars} { line: follow${kind}Logs${args} { cluster replica line } }`,
  };
}

/** The field-scoped status writes of Jobs and Deployments (one per owner); root fields aliased `object`. */
export interface WorkloadStatusDocuments {
  /** Variables: input (`PlacementDecisionInput`). */
  setPlacements: string;
  /** Variables: input (`ReplicaReportInput`). */
  reportReplicas: string;
}

function workloadStatusDocumentsFor(kind: 'Job' | 'Deployment'): WorkloadStatusDocuments {
  const mutation = (field: string, inputType: string) =>
    `mutation ${field[0].toUpperCase()}${field.slice(1)}($input: ${inputType}!) { object: ${field}(input: $input) { ...${kind}Fields } }${FRAGMENTS[kind]}`;
  return {
    setPlacements: mutation(`set${kind}Placements`, 'PlacementDecisionInput'),
    reportReplicas: mutation(`report${kind}Replicas`, 'ReplicaReportInput'),
  };
}

export const WORKLOAD_STATUS_DOCUMENTS: Record<'Job' | 'Deployment', WorkloadStatusDocuments> = {
  Job: workloadStatusDocumentsFor('Job'),
  Deployment: workloadStatusDocumentsFor('Deployment'),
};

export const LOG_DOCUMENTS: Record<'Job' | 'Deployment', LogDocuments> = {
  Job: logDocumentsFor('Job'),
  Deployment: logDocumentsFor('Deployment'),
};
