/**
 * What the metrics call an operation: its type and its root field, read once per parsed document
 * (Yoga caches documents, so a client's repeated operation costs a lookup). Root fields, not the
 * operation name a client chose: the names are the schema's, so the series stay bounded.
 */
import { getOperationAST, Kind, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import { rootFieldNodes } from './auth/authorize-operation.js';

export interface OperationLabel {
  readonly type: 'query' | 'mutation' | 'subscription';
  /** The root field; MULTIPLE_ROOT_FIELDS for several (their combinations are not bounded). */
  readonly operation: string;
}

export const MULTIPLE_ROOT_FIELDS = '(multiple)';

/** For results of requests that never reached execution (unparsable, invalid, unauthenticated). */
export const NO_OPERATION = '(none)';

/** The label of the document's operation, or undefined when it names none (the executor says why). */
export function labelOperation(document: DocumentNode, operationName: string | null | undefined): OperationLabel | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const fields = new Set(rootFieldNodes(operation, fragments).map((field) => field.name.value));
  return { type: operation.operation, operation: fields.size === 1 ? [...fields][0] : MULTIPLE_ROOT_FIELDS };
}

/**
 * `make(label)` once per document and operation name, kept as long as the document (Yoga's
 * parse cache holds it); undefined for a document without that operation.
 */
export function perOperation<T>(make: (label: OperationLabel) => T): (document: DocumentNode, operationName: string | null | undefined) => T | undefined {
  const byDocument = new WeakMap<DocumentNode, Map<string, T | null>>();
  return (document, operationName) => {
    let byName = byDocument.get(document);
    if (!byName) byDocument.set(document, (byName = new Map()));
    const key = operationName ?? '';
    let value = byName.get(key);
    if (value === undefined) {
      const label = labelOperation(document, operationName);
      value = label ? make(label) : null;
      byName.set(key, value);
    }
    return value ?? undefined;
  };
}
