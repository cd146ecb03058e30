/**
 * The static import graph of TypeScript sources (relative `import ... from './x.js'` and
 * `export ... from`, type-only ones included: a cycle of types is still a tangle), and the
 * cycles in it, for tests that keep a folder free of import cycles.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Each file's relative imports that resolve to a file under `root`, by path relative to `root`. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const targets = new Set<string>();
    for (const match of text.matchAll(pattern)) {
      const target = resolve(dirname(file), match[1].replace(/\.js$/, '.ts'));
      if (target.startsWith(resolve(root)) && existsSync(target)) targets.add(relative(root, target));
    }
    graph.set(relative(root, file), [...targets].sort());
  }
  return graph;
}

/** One cycle per tangle (strongly connected component, Tarjan) as a list of files, its first file repeated at the end. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component);
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  // The shortest cycle through each tangled component's first file, for a readable message.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0];
    const cameFrom = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const here = queue.shift()!;
      for (const next of graph.get(here) ?? []) {
        if (!members.has(next)) continue;
        if (next === start) {
          const path = [here];
          while (path[0] !== start) path.unshift(cameFrom.get(path[0])!);
          return [...path, start];
        }
        if (!cameFrom.has(next)) {
          cameFrom.set(next, here);
          queue.push(next);
        }
      }
    }
    return [start, start];
  });
}
