import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/** One import that crosses folders: `from` imports `to` (paths relative to the source root). */
export interface CrossImport {
  from: string;
  to: string;
}

/** Top-level folder → the folders it imports, each with the file-level imports behind the edge. */
export type FolderGraph = Map<string, Map<string, CrossImport[]>>;

/** Files directly under the source root (main.ts, app.module.ts, ...): the composition root. */
export const ROOT_FOLDER = '(root)';

const TEST_FILE = /\.(spec|medium-spec|e2e-spec)\.ts$/;

/**
 * The production sources under `srcRoot` and the imports between their top-level folders,
 * type-only imports and re-exports included. Tests are left out: they are not part of the
 * module graph, and a spec may reach into the folder it exercises from anywhere.
 */
export function folderGraph(srcRoot: string, compilerOptions: ts.CompilerOptions): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of sourceFiles(srcRoot)) {
    const from = folderOf(srcRoot, file);
    if (!graph.has(from)) graph.set(from, new Map());
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      const resolved = ts.resolveModuleName(fileName, file, compilerOptions, ts.sys).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) continue;
      const target = resolved.resolvedFileName;
      if (relative(srcRoot, target).startsWith('..')) continue;
      const to = folderOf(srcRoot, target);
      if (to === from) continue;
      const edges = graph.get(from)!;
      const imports = edges.get(to) ?? [];
      imports.push({ from: relative(srcRoot, file), to: relative(srcRoot, target) });
      edges.set(to, imports);
    }
  }
  return graph;
}

/** Folders that all reach one another, and one shortest cycle among them to start from. */
export interface FolderCycle {
  /** Sorted; at least two folders. */
  group: string[];
  /** A closed path through the group's first folder: `['a', 'b', 'a']`. */
  cycle: string[];
}

/** Every strongly connected group of folders; empty when the folders form a DAG. */
export function folderCycles(graph: FolderGraph): FolderCycle[] {
  return stronglyConnected(graph)
    .filter((group) => group.length > 1)
    .map((group) => ({ group, cycle: cycleWithin(graph, new Set(group)) }));
}

/** A readable account of a cycle: each hop with the imports that make it, then the whole group. */
export function describeCycle(graph: FolderGraph, { group, cycle }: FolderCycle): string {
  const hops = cycle.slice(0, -1).map((from, i) => {
    const to = cycle[i + 1];
    const imports = graph.get(from)?.get(to) ?? [];
    return `  ${from} -> ${to}: ${imports.map((e) => `${e.from} imports ${e.to}`).join('; ')}`;
  });
  const others =
    group.length > cycle.length - 1 ? [`  (all in one cycle: ${group.join(', ')})`] : [];
  return [`folder cycle ${cycle.join(' -> ')}`, ...hops, ...others].join('\n');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    const production =
      entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !TEST_FILE.test(entry.name);
    return production ? [path] : [];
  });
}

function folderOf(srcRoot: string, file: string): string {
  const parts = relative(srcRoot, file).split(sep);
  return parts.length > 1 ? parts[0] : ROOT_FOLDER;
}

/** Tarjan's algorithm; the graph is a few dozen folders, so recursion depth is no concern. */
function stronglyConnected(graph: FolderGraph): string[][] {
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((e) => [...e.keys()])]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      groups.push(group.sort());
    }
  };
  for (const node of [...nodes].sort()) if (!index.has(node)) visit(node);
  return groups;
}

/** A shortest cycle through the group's first folder (breadth-first, inside the group only). */
function cycleWithin(graph: FolderGraph, group: Set<string>): string[] {
  const start = [...group].sort()[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of [...(graph.get(node)?.keys() ?? [])].sort()) {
      if (!group.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  // Unreachable: every folder of a strongly connected group lies on a cycle through the others.
  throw new Error(`no cycle found in ${[...group].join(', ')}`);
}
