/**
 * The console runs `skym apply`'s core in a browser (bundled by Vite), so src/client/apply.ts and
 * src/client/manifests.ts, and everything they import at run time, must not need Node or oclif.
 * This walks their static imports through the repository's own files (type-only imports are
 * erased by tsc and skipped) and fails on a Node built-in, oclif, `ws`, or Node's globals
 * (`process`, `Buffer`, `require`, `__dirname`, `__filename`). Packages from node_modules are not
 * walked; each one reached must be on a list of packages checked to run in a browser.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT as root } from '../../helpers/root.js';

/** Reviewed: `yaml` exports a browser build; damerau-levenshtein is a plain function with no imports. */
const BROWSER_PACKAGES = new Set(['yaml', 'damerau-levenshtein']);
const NODE_GLOBALS = new Set(['process', 'Buffer', 'require', '__dirname', '__filename']);

interface Graph {
  files: string[];
  packages: Set<string>;
  problems: string[];
}

/** The import specifiers a file needs at run time, and its uses of Node's globals. */
function scan(file: string): { specifiers: string[]; globals: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const specifiers: string[] = [];
  const globals: string[] = [];
  const typeOnlyNames = (elements: readonly (ts.ImportSpecifier | ts.ExportSpecifier)[]) => elements.length > 0 && elements.every((e) => e.isTypeOnly);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = clause?.isTypeOnly || (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && typeOnlyNames(clause.namedBindings.elements));
      if (!typeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (node.exportClause && ts.isNamedExports(node.exportClause) && typeOnlyNames(node.exportClause.elements));
      if (!typeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      specifiers.push(argument && ts.isStringLiteral(argument) ? argument.text : '<dynamic import of a computed name>');
    } else if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text)) {
      // `x.process` or `{ process: … }` name a property, not the global.
      const parent = node.parent;
      const propertyName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isMethodDeclaration(parent)) && parent.name === node);
      if (!propertyName) globals.push(`${node.text} (line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { specifiers, globals };
}

/** `./x.js` from a .ts file: the .ts beside it (tsc's NodeNext convention), or its index. */
function resolveRelative(from: string, specifier: string): string {
  const target = resolve(dirname(from), specifier);
  for (const candidate of [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')]) if (existsSync(candidate)) return candidate;
  throw new Error(`${relative(root, from)}: cannot resolve ${specifier}`);
}

const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

function walk(entries: string[]): Graph {
  const seen = new Set<string>();
  const graph: Graph = { files: [], packages: new Set(), problems: [] };
  const queue = entries.map((entry) => resolve(root, entry));
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const name = relative(root, file);
    graph.files.push(name);
    const { specifiers, globals } = scan(file);
    for (const global of globals) graph.problems.push(`${name} uses Node's ${global}`);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) {
        queue.push(resolveRelative(file, specifier));
        continue;
      }
      const pkg = packageOf(specifier);
      graph.packages.add(pkg);
      if (specifier.startsWith('node:') || builtinModules.includes(pkg)) graph.problems.push(`${name} imports Node's ${specifier}`);
      else if (pkg === '@oclif/core' || pkg === 'ws') graph.problems.push(`${name} imports ${specifier}`);
      else if (!BROWSER_PACKAGES.has(pkg)) graph.problems.push(`${name} imports ${specifier}, not on the list of packages checked to run in a browser`);
    }
  }
  return graph;
}

describe('browser safety of skym apply\'s core', () => {
  it('src/client/apply.ts and src/client/manifests.ts import nothing of Node, oclif or ws, and use no Node globals', () => {
    const graph = walk(['src/client/apply.ts', 'src/client/manifests.ts']);
    expect(graph.problems).toEqual([]);
    // The walk went where the code goes (so an empty list above means something).
    expect(graph.files).toEqual(expect.arrayContaining(['src/client/manifests.ts', 'src/domain/kind-names.ts', 'src/domain/closest-word.ts', 'src/domain/quantities.ts', 'src/domain/merge-patch.ts', 'src/domain/json-equal.ts', 'src/domain/errors.ts']));
    // apply.ts needs the API's types only, not its Node-bound connection.
    expect(graph.files).not.toContain('src/client/api.ts');
    expect([...graph.packages].sort()).toEqual(['damerau-levenshtein', 'yaml']);
  });

  it('the walk does catch what a browser cannot run', () => {
    const graph = walk(['cli/commands/apply.ts']);
    expect(graph.problems).toEqual(
      expect.arrayContaining([
        'cli/commands/apply.ts imports Node\'s node:fs/promises',
        'cli/commands/apply.ts imports @oclif/core',
        expect.stringMatching(/^cli\/commands\/apply\.ts uses Node's process \(line \d+\)$/),
        'src/client/connection.ts imports ws',
      ]),
    );
  });
});
