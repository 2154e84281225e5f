/**
 * GraphQL object and input types derived from a spec schema of src/domain/spec: every field of
 * the zod object becomes a field of both, with the GraphQL type its zod type implies (string →
 * String, number → Int or Float as declared, enum and object → the named type, array → list,
 * record → StringMap).
 * On the object type a field is nullable when it may be left out and has no default; on the input
 * type a field is required when it has neither default nor may be left out. Types are made once
 * per name, so specs that share a part (Resources) share its GraphQL type.
 */
import type { EnumRef, InputObjectRef, ObjectRef } from '@pothos/core';
import { z } from 'zod/v4';
import { graphqlInfoOf, type GraphQLInfo } from '../domain/spec/fields.js';
import type { InputOf } from '../domain/spec/parse.js';
import { builder, type BuilderTypes } from './builder.js';

interface Unwrapped {
  base: z.ZodType;
  /** May be left out (and then is absent), or has a default (and then is never absent). */
  optional: boolean;
  defaulted: boolean;
  info: GraphQLInfo;
}

/** The type under the wrappers zod adds for defaults, refinements and pipes. */
function unwrap(schema: z.ZodType): Unwrapped {
  let optional = false;
  let defaulted = false;
  let info: GraphQLInfo = {};
  let s = schema;
  for (;;) {
    info = { ...graphqlInfoOf(s), ...info };
    if (s instanceof z.ZodOptional) {
      optional = true;
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault) {
      defaulted = true;
      s = s.def.innerType as z.ZodType;
    } else if (s instanceof z.ZodPipe) {
      // A transform's pipe takes what its input stage takes; a list's takes what its last stage does.
      s = (s.out instanceof z.ZodTransform ? s.in : s.out) as z.ZodType;
    } else return { base: s, optional, defaulted, info };
  }
}

const objects = new Map<string, ObjectRef<BuilderTypes, unknown>>();
const inputs = new Map<string, InputObjectRef<BuilderTypes, Record<string, unknown>>>();
const enums = new Map<string, EnumRef<BuilderTypes, string>>();

function nameOf(schema: z.ZodType, info: GraphQLInfo): string {
  if (!info.name) throw new Error(`a spec's ${schema.constructor.name} needs a GraphQL name (src/domain/spec/fields.ts)`);
  return info.name;
}

function enumOf(schema: z.ZodEnum, info: GraphQLInfo) {
  const name = nameOf(schema, info);
  let ref = enums.get(name);
  if (!ref) enums.set(name, (ref = builder.enumType(name, { values: schema.options as string[] })));
  return ref;
}

/** The GraphQL type of a field's value, for the object type (`output`) or the input type. */
function typeOf(schema: z.ZodType, side: 'output' | 'input'): unknown {
  const { base, info } = unwrap(schema);
  if (base instanceof z.ZodString) return 'String';
  if (base instanceof z.ZodNumber) return info.integer ? 'Int' : 'Float';
  if (base instanceof z.ZodBoolean) return 'Boolean';
  // The specs' only maps are of strings (labels).
  if (base instanceof z.ZodRecord) return 'StringMap';
  if (base instanceof z.ZodEnum) return enumOf(base, info);
  if (base instanceof z.ZodArray) return [typeOf(base.element as z.ZodType, side)];
  if (base instanceof z.ZodObject) return side === 'output' ? objectTypeOf(base) : inputTypeOf(base);
  throw new Error(`no GraphQL type for a spec's ${base.constructor.name}`);
}

type AnyObject = z.ZodObject<Record<string, z.ZodType>>;

/** The object under a spec schema's wrappers (a pipe that checks the whole object first). */
function objectOf(schema: z.ZodType): { object: AnyObject; info: GraphQLInfo } {
  const { base, info } = unwrap(schema);
  if (!(base instanceof z.ZodObject)) throw new Error(`a spec's ${base.constructor.name} is not an object`);
  return { object: base as AnyObject, info };
}

function fieldsOf(schema: AnyObject) {
  return Object.entries(schema.shape).map(([key, field]) => ({ key, field, ...unwrap(field as z.ZodType) }));
}

/** The object type of a spec schema (or of a part of one). */
export function objectTypeOf<S extends z.ZodType>(schema: S): ObjectRef<BuilderTypes, z.output<S>> {
  const { object, info: { typeDescription, ...info } } = objectOf(schema);
  const name = nameOf(object, info);
  let ref = objects.get(name);
  if (!ref) {
    ref = builder.objectRef<unknown>(name).implement({
      description: typeDescription,
      fields: (t) =>
        Object.fromEntries(
          fieldsOf(object).map(({ key, field, optional, defaulted, info: { description } }) => [
            key,
            t.field({
              type: typeOf(field, 'output') as never,
              nullable: optional && !defaulted,
              description,
              resolve: (parent) => (parent as Record<string, unknown>)[key] as never,
            }),
          ]),
        ),
    });
    objects.set(name, ref);
  }
  return ref as ObjectRef<BuilderTypes, z.output<S>>;
}

/** The input type of a spec schema: `${name}Input`, taking what a client may send. */
export function inputTypeOf<S extends z.ZodType>(schema: S): InputObjectRef<BuilderTypes, InputOf<S>> {
  const { object, info } = objectOf(schema);
  const name = `${nameOf(object, info)}Input`;
  let ref = inputs.get(name);
  if (!ref) {
    ref = builder.inputRef<Record<string, unknown>>(name).implement({
      fields: (t) =>
        Object.fromEntries(
          fieldsOf(object).map(({ key, field, optional, defaulted, info: { inputDescription } }) => [
            key,
            t.field({ type: typeOf(field, 'input') as never, required: !optional && !defaulted, description: inputDescription }),
          ]),
        ),
    });
    inputs.set(name, ref);
  }
  return ref as unknown as InputObjectRef<BuilderTypes, InputOf<S>>;
}
