/**
 * Kubernetes label selectors: `app=web,tier!=db,env in (prod,staging),region notin (eu),gpu,!spot`.
 * Parsed once into requirements; `matches` is then a cheap loop. A malformed selector throws a
 * BadUserInputError naming the field it came from.
 */
import { BadUserInputError } from './errors.js';
import { labelKeyProblem, labelValueProblem } from './label-syntax.js';
/** Labels as objects carry them: types.ts's StringMap, spelled out here since types.ts imports the specs, which import this file. */
type StringMap = Record<string, string>;

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export interface LabelSelector {
  requirements: Requirement[];
  matches(labels: StringMap | undefined): boolean;
  toString(): string;
}

export function isValidLabelKey(key: string): boolean {
  return labelKeyProblem(key) === undefined;
}

export function isValidLabelValue(value: string): boolean {
  return labelValueProblem(value) === undefined;
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms;
}

function parseTerm(raw: string, field: string): Requirement {
  const term = raw.trim();
  const bad = (why: string) => new BadUserInputError(field, `invalid label selector term "${term}": ${why}`);
  if (term === '') throw bad('empty term');

  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  let req: Requirement;
  if (setMatch) {
    const values = setMatch[3].split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) throw bad('empty value in set');
    req = { key: setMatch[1], operator: setMatch[2] === 'in' ? 'In' : 'NotIn', values };
  } else if (term.startsWith('!')) {
    req = { key: term.slice(1).trim(), operator: 'DoesNotExist', values: [] };
  } else {
    const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (eq) {
      req = { key: eq[1], operator: eq[2] === '!=' ? 'NotIn' : 'In', values: [eq[3].trim()] };
    } else if (/^[^\s=!(),]+$/.test(term)) {
      req = { key: term, operator: 'Exists', values: [] };
    } else {
      throw bad('expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b)');
    }
  }
  if (!isValidLabelKey(req.key)) throw bad(`"${req.key}" is not a valid label key`);
  for (const v of req.values) if (!isValidLabelValue(v)) throw bad(`"${v}" is not a valid label value`);
  return req;
}

function requirementMatches(req: Requirement, labels: StringMap): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  switch (req.operator) {
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'In':
      return has && req.values.includes(labels[req.key]);
    case 'NotIn':
      return !has || !req.values.includes(labels[req.key]);
  }
}

function build(requirements: Requirement[], text: string): LabelSelector {
  return {
    requirements,
    matches: (labels) => requirements.every((r) => requirementMatches(r, labels ?? {})),
    toString: () => text,
  };
}

/** Parses a selector string; empty or undefined selects everything. */
export function parseLabelSelector(text: string | undefined | null, field = 'labelSelector'): LabelSelector {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return build([], '');
  return build(
    splitTerms(trimmed).map((t) => parseTerm(t, field)),
    trimmed,
  );
}

/** A selector that requires every given label (FilterPolicy.labelsSelector is a plain map). */
export function selectorFromMap(map: StringMap | undefined): LabelSelector {
  const entries = Object.entries(map ?? {});
  return build(
    entries.map(([key, value]) => ({ key, operator: 'In' as const, values: [value] })),
    entries.map(([k, v]) => `${k}=${v}`).join(','),
  );
}
