// No import cycle among the files of src/ (issue 9: config → adapters → log → config closed a
// circle of 16 files). The layer rules keep arrows between layers pointing inward; this keeps
// the files inside a layer, and the layers of the pure core among themselves, acyclic too.
// Type-only imports count, as they do for the layer rules.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { sourceFiles } from '../support/source-files.js';
import ts from 'typescript';

const src = fileURLToPath(new URL('../../../src/', import.meta.url));

/** The src/ files each file imports (static, re-exports, import(), import types). */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    graph.set(
      file,
      importedFiles
        .map((ref) => ref.fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => resolve(dirname(file), name).replace(/\.js$/, '.ts'))
        .filter((target) => known.has(target)),
    );
  }
  return graph;
}

/** The strongly connected components with more than one file, or a file importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's algorithm.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('the cycle finder sees a circle through a re-export and a type import, and no circle in a chain', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a', 'd']],
    ['d', []],
    ['e', ['e']],
  ]);
  assert.deepEqual(cycles(graph), [['a', 'b', 'c'], ['e']]);
  assert.deepEqual(
    cycles(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', []],
      ]),
    ),
    [],
  );
  const text = "import type { T } from './t.js';\nexport { x } from './x.js';\nimport('./y.js');";
  assert.deepEqual(
    ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName),
    ['./t.js', './x.js', './y.js'],
  );
});

test('no import cycle among the files of src/', () => {
  const found = cycles(importGraph(sourceFiles(src))).map((c) =>
    c.map((f) => relative(src, f)).join(' → '),
  );
  assert.deepEqual(found, [], 'import cycles in src/ (each line: the files of one circle)');
});
