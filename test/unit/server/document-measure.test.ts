/**
 * measureDocument against the committed schema: what each count counts, fragments expanded and
 * memoised (a fragment bomb measures its real size without being expanded), cycles and unknown
 * fragments kept finite, and introspection's lists counted once in the cost.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { LIST_COST_FACTOR, measureDocument } from '../../../src/server/document-measure.js';
import { PROJECT_ROOT } from '../../helpers/root.js';

const schema = buildSchema(readFileSync(join(PROJECT_ROOT, 'schema.graphql'), 'utf8'));
const measure = (query: string) => measureDocument(schema, parse(query));

/** Fragments F1…Fk, each spreading the one before twice; F0 selects `fields`. */
function bomb(levels: number, fields = 'jobs { items { metadata { name } } }'): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`);
  return `query { ...F${levels} } fragment F0 on Query { ${fields} } ${fragments.join(' ')}`;
}

describe('measureDocument', () => {
  it('counts depth, fields, aliases and directives of a plain document', () => {
    expect(measure('{ jobs { items { metadata { name } } } }')).toEqual({
      depth: 4,
      aliases: 0,
      fields: 4,
      repeatedFields: 0,
      directives: 0,
      fragmentSpreads: 0,
      // jobs 1 + items 1, and what is inside the list `items` 10× (metadata 1 + name 1).
      cost: 2 + LIST_COST_FACTOR * 2,
    });
    const aliased = measure('query Q($x: Boolean!) { a: job(name: "a") { kind @include(if: $x) } b: job(name: "b") @skip(if: $x) { kind } }');
    expect(aliased).toMatchObject({ depth: 2, aliases: 2, fields: 4, directives: 2, repeatedFields: 0, cost: 4 });
  });

  it('expands fragment spreads and inline fragments, without adding depth', () => {
    const query = `{ jobs { items { ...Meta ...Meta ... on Job { kind } } } } fragment Meta on Job { metadata { name uid } }`;
    expect(measure(query)).toMatchObject({ depth: 4, fields: 2 + 1 + 2 * 3, fragmentSpreads: 2 });
  });

  it('measures a fragment bomb at its expanded size, in time linear in its text', () => {
    const measured = measure(bomb(40));
    expect(measured.fields).toBe(4 * 2 ** 40);
    expect(measured.fragmentSpreads).toBe(2 ** 41 - 1);
    expect(measured.depth).toBe(4);
  });

  it('stops growing at the largest safe integer instead of overflowing', () => {
    expect(measure(bomb(1_100)).fields).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('keeps fragment cycles and unknown fragments finite (validation rejects them afterwards)', () => {
    expect(measure('{ ...A } fragment A on Query { jobs { kind } ...B } fragment B on Query { ...A }')).toMatchObject({ fields: 2, fragmentSpreads: 3 });
    expect(measure('{ ...Missing }')).toMatchObject({ fields: 0, fragmentSpreads: 1 });
  });

  it('counts repeated response names per selection set, through aliases, inline fragments and spreads', () => {
    expect(measure('{ jobs { kind kind kind } }').repeatedFields).toBe(2);
    expect(measure('{ jobs { a: kind a: resourceVersion } }').repeatedFields).toBe(1);
    expect(measure('{ jobs { kind ... on JobList { kind } } }').repeatedFields).toBe(1);
    expect(measure('{ jobs { kind ...K } } fragment K on JobList { kind }').repeatedFields).toBe(1);
    // Same names in different selection sets are no repeat.
    expect(measure('{ jobs { kind } deployments { kind } }').repeatedFields).toBe(0);
    expect(measure('{ job(name: "a") { metadata { name } } deployment(name: "a") { metadata { name } } }').repeatedFields).toBe(0);
  });

  it('counts fragments no operation spreads too, as validation visits them', () => {
    expect(measure('{ __typename } fragment Unused on Query { jobs { kind } }')).toMatchObject({ fields: 3 });
  });

  it('costs what is inside a data list 10 times, nested lists multiplied, introspection lists once', () => {
    // clusters 1, items 1; inside items (×10): status 1, nodes 1, inside nodes (×10): name 1.
    expect(measure('{ clusters { items { status { nodes { name } } } } }').cost).toBe(2 + LIST_COST_FACTOR * (2 + LIST_COST_FACTOR));
    expect(measure('{ __schema { types { fields { name } } } }').cost).toBe(4);
  });
});
