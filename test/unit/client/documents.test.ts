/**
 * The client's GraphQL documents against the server's generated schema.graphql: every document
 * must validate, and every kind's selection must cover every field of its type (recursively), so
 * an object read by the client and written back loses nothing. A field added to or renamed in
 * the server fails this test until `npm run codegen` regenerates them.
 */
import { readFileSync } from 'node:fs';
import {
  buildSchema,
  getNamedType,
  isObjectType,
  Kind as AstKind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type SelectionSetNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { DOCUMENTS, LOG_DOCUMENTS, WORKLOAD_STATUS_DOCUMENTS } from '../../../src/client/documents.js';
import { KINDS } from '../../../src/domain/kinds.js';

const schema = buildSchema(readFileSync(new URL('../../../schema.graphql', import.meta.url), 'utf8'));

/** Dotted paths of the fields of `type` (recursively) that `selection` leaves out. */
function missingFields(
  type: GraphQLObjectType,
  selection: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  path: string,
): string[] {
  const selected = new Map<string, SelectionSetNode | undefined>();
  const collect = (set: SelectionSetNode) => {
    for (const node of set.selections) {
      if (node.kind === AstKind.FIELD) selected.set(node.name.value, node.selectionSet);
      else if (node.kind === AstKind.FRAGMENT_SPREAD) collect(fragments.get(node.name.value)!.selectionSet);
      else collect(node.selectionSet);
    }
  };
  collect(selection);
  return Object.values(type.getFields()).flatMap((field) => {
    const where = `${path}.${field.name}`;
    if (!selected.has(field.name)) return [where];
    const named = getNamedType(field.type);
    const sub = selected.get(field.name);
    return isObjectType(named) && sub ? missingFields(named, sub, fragments, where) : [];
  });
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === AstKind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
}

/** Each kind's documents, and the log documents of Jobs and Deployments. */
const texts = (documents: object): Record<string, string> =>
  Object.fromEntries(Object.entries(documents).map(([verb, document]) => [verb, String(document)]));
const DOCUMENT_SETS: [string, Record<string, string>][] = [
  ...KINDS.map((kind): [string, Record<string, string>] => [kind, texts(DOCUMENTS[kind])]),
  ['Job log', texts(LOG_DOCUMENTS.Job)],
  ['Deployment log', texts(LOG_DOCUMENTS.Deployment)],
  ['Job status write', texts(WORKLOAD_STATUS_DOCUMENTS.Job)],
  ['Deployment status write', texts(WORKLOAD_STATUS_DOCUMENTS.Deployment)],
];

describe.each(DOCUMENT_SETS)('%s documents', (_set, set) => {
  const documents = Object.entries(set);

  it.each(documents)('%s validates against schema.graphql', (_verb, text) => {
    expect(validate(schema, parse(text)).map((e) => e.message)).toEqual([]);
  });

  it.each(documents)('%s selects every field of what it returns', (_verb, text) => {
    const document = parse(text);
    const operation = document.definitions.find((d) => d.kind === AstKind.OPERATION_DEFINITION)!;
    const rootType = schema.getRootType(operation.operation)!;
    const [root] = operation.selectionSet.selections;
    if (root.kind !== AstKind.FIELD || !root.selectionSet) throw new Error('expected one root field with a selection');
    const type = getNamedType(rootType.getFields()[root.name.value].type) as GraphQLObjectType;
    expect(missingFields(type, root.selectionSet, fragmentsOf(document), type.name)).toEqual([]);
  });
});
