/**
 * The size of a parsed GraphQL document, measured in one linear pass before it is validated:
 * graphql-js's standard rules are not all linear (OverlappingFieldsCanBeMerged compares every pair
 * of fields that share a response name in a selection set), so a document must be known to be
 * small before they run.
 *
 * Fragment spreads count as if expanded, each fragment measured once and memoised by name: a
 * fragment "bomb" (fragments that each spread the previous one twice) measures its real,
 * exponential size in time linear in its text. A spread of a fragment that is being measured (a
 * cycle, which validation rejects) or of an unknown one adds nothing but the spread itself.
 *
 * What is counted, over every operation of the document and every fragment no operation spreads
 * (validation visits those too):
 * - depth: fields nested in fields; inline fragments and spreads add no level. `{ jobs { items {
 *   metadata { name } } } }` is 4.
 * - aliases, fields (every field selection, __typename too), directives, fragmentSpreads.
 * - repeatedFields: selections of a response name that the same selection set (with its inline
 *   fragments and spread fragments) already selects, as `name name` or `a: name a: uid`. Harmless
 *   alone, but what the overlapping-fields rule compares pairwise.
 * - cost: an estimate of the work to resolve the document. Every field costs 1; what is selected
 *   below a field that returns a list costs LIST_COST_FACTOR times as much, once per enclosing
 *   list, as it is resolved once per item. Lists of the schema's own introspection types count
 *   once: their length is the schema's, not the data's.
 */
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

export interface DocumentMeasure {
  depth: number;
  aliases: number;
  fields: number;
  repeatedFields: number;
  directives: number;
  fragmentSpreads: number;
  cost: number;
}

/** How many items a list is taken to have when costing what is selected inside it. */
export const LIST_COST_FACTOR = 10;

/** Counts stay exact up to here, then stop growing: a bomb's count stays a finite number. */
const saturate = (value: number) => Math.min(value, Number.MAX_SAFE_INTEGER);

const zero = (): DocumentMeasure => ({ depth: 0, aliases: 0, fields: 0, repeatedFields: 0, directives: 0, fragmentSpreads: 0, cost: 0 });

/** A selection set's measure, and how often it selects each response name at its own level. */
interface Measured {
  measure: DocumentMeasure;
  names: Map<string, number>;
}

function addInto(into: DocumentMeasure, other: DocumentMeasure): void {
  into.depth = Math.max(into.depth, other.depth);
  into.aliases = saturate(into.aliases + other.aliases);
  into.fields = saturate(into.fields + other.fields);
  into.repeatedFields = saturate(into.repeatedFields + other.repeatedFields);
  into.directives = saturate(into.directives + other.directives);
  into.fragmentSpreads = saturate(into.fragmentSpreads + other.fragmentSpreads);
  into.cost = saturate(into.cost + other.cost);
}

function mergeNames(into: Map<string, number>, other: Map<string, number>): void {
  for (const [name, count] of other) into.set(name, saturate((into.get(name) ?? 0) + count));
}

/** Selections beyond the first of each response name: what a field's own selection set repeats. */
function repeats(names: Map<string, number>): number {
  let total = 0;
  for (const count of names.values()) total = saturate(total + count - 1);
  return total;
}

/** The schema's field, meta fields too; undefined when there is none (validation will say so). */
function fieldOf(schema: GraphQLSchema, parent: GraphQLCompositeType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (parent !== undefined && parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

function compositeType(schema: GraphQLSchema, name: string): GraphQLCompositeType | undefined {
  const type = schema.getType(name);
  return isCompositeType(type) ? type : undefined;
}

/** How many times what is selected below a field of this type is resolved, by the cost's estimate. */
function perItem(type: GraphQLOutputType | undefined): number {
  if (type === undefined || !isListType(getNullableType(type))) return 1;
  return getNamedType(type).name.startsWith('__') ? 1 : LIST_COST_FACTOR;
}

export function measureDocument(schema: GraphQLSchema, document: DocumentNode): DocumentMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, Measured>();
  const measuring = new Set<string>();

  const fragment = (name: string): Measured | undefined => {
    const known = measured.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    if (!definition || measuring.has(name)) return undefined;
    measuring.add(name);
    const result = selectionSet(definition.selectionSet, compositeType(schema, definition.typeCondition.name.value));
    result.measure.directives += definition.directives?.length ?? 0;
    measuring.delete(name);
    measured.set(name, result);
    return result;
  };

  /** A field's (or operation's) selection set: its measure, with the repeats at its own level. */
  const fieldSelections = (set: SelectionSetNode, parent: GraphQLCompositeType | undefined): DocumentMeasure => {
    const { measure, names } = selectionSet(set, parent);
    measure.repeatedFields = saturate(measure.repeatedFields + repeats(names));
    return measure;
  };

  const selectionSet = (set: SelectionSetNode, parent: GraphQLCompositeType | undefined): Measured => {
    const measure = zero();
    const names = new Map<string, number>();
    for (const selection of set.selections) {
      measure.directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        const responseName = (selection.alias ?? selection.name).value;
        names.set(responseName, (names.get(responseName) ?? 0) + 1);
        measure.fields += 1;
        if (selection.alias) measure.aliases += 1;
        if (!selection.selectionSet) {
          measure.depth = Math.max(measure.depth, 1);
          measure.cost = saturate(measure.cost + 1);
          continue;
        }
        const type = fieldOf(schema, parent, selection.name.value)?.type;
        const below = fieldSelections(selection.selectionSet, type && compositeType(schema, getNamedType(type).name));
        const cost = saturate(1 + below.cost * perItem(type));
        addInto(measure, { ...below, depth: below.depth + 1, cost });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeCondition = selection.typeCondition ? compositeType(schema, selection.typeCondition.name.value) : parent;
        const inner = selectionSet(selection.selectionSet, typeCondition);
        addInto(measure, inner.measure);
        mergeNames(names, inner.names);
      } else {
        measure.fragmentSpreads += 1;
        const spread = fragment(selection.name.value);
        if (!spread) continue;
        addInto(measure, spread.measure);
        mergeNames(names, spread.names);
      }
    }
    return { measure, names };
  };

  const total = zero();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const operation = fieldSelections(definition.selectionSet, schema.getRootType(definition.operation) ?? undefined);
    operation.directives += definition.directives?.length ?? 0;
    for (const variable of definition.variableDefinitions ?? []) operation.directives += variable.directives?.length ?? 0;
    addInto(total, operation);
  }
  // Fragments that no operation spreads (the document is then invalid, but validation visits them
  // first); one spread only by such a fragment may be counted twice, which errs on the safe side.
  const spreadByOperations = new Set(measured.keys());
  for (const [name, definition] of fragments) {
    if (spreadByOperations.has(name)) continue;
    const own = fieldSelections(definition.selectionSet, compositeType(schema, definition.typeCondition.name.value));
    own.directives += definition.directives?.length ?? 0;
    addInto(total, own);
  }
  return total;
}
