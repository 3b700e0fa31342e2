import { join } from 'node:path';
import ts from 'typescript';
import {
  type FolderGraph,
  ROOT_FOLDER,
  describeCycle,
  folderCycles,
  folderGraph,
} from '../test/support/folder-cycles';

const repoRoot = join(__dirname, '../../..');

function compilerOptions(): ts.CompilerOptions {
  const file = join(repoRoot, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, repoRoot).options;
}

/** Builds a folder graph from `a -> b` pairs, one made-up import behind each edge. */
function graphOf(...edges: [string, string][]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const [from, to] of edges) {
    if (!graph.has(from)) graph.set(from, new Map());
    if (!graph.has(to)) graph.set(to, new Map());
    graph.get(from)!.set(to, [{ from: `${from}/x.ts`, to: `${to}/y.ts` }]);
  }
  return graph;
}

describe('feature folders of apps/gateway/src', () => {
  const graph = folderGraph(__dirname, compilerOptions());

  it('import one another without cycles, however long', () => {
    const cycles = folderCycles(graph).map((found) => describeCycle(graph, found));
    expect(cycles).toEqual([]);
  });

  it('are all seen, with the imports between them (the check above is not vacuous)', () => {
    for (const folder of [
      'registry',
      'health',
      'breaker',
      'config',
      'auth',
      'audit',
      ROOT_FOLDER,
    ]) {
      expect(graph.has(folder)).toBe(true);
    }
    // breaker/breaker-row.ts imports the registry's entity as a type only: that counts too.
    expect(graph.get('breaker')?.get('registry')).toEqual(
      expect.arrayContaining([
        { from: 'breaker/breaker-row.ts', to: 'registry/mcp-server.entity.ts' },
      ]),
    );
    expect(
      graph
        .get('health')
        ?.get('registry')
        ?.map((e) => e.from),
    ).toContain('health/health-probe.ts');
    expect(graph.get(ROOT_FOLDER)?.size).toBeGreaterThan(10);
  });
});

describe('folder cycle detection', () => {
  it('finds a pair of folders importing each other, naming both and the imports', () => {
    const graph = graphOf(['audit', 'auth'], ['auth', 'audit'], ['auth', 'common']);
    const cycles = folderCycles(graph);
    expect(cycles).toEqual([{ group: ['audit', 'auth'], cycle: ['audit', 'auth', 'audit'] }]);
    expect(describeCycle(graph, cycles[0])).toBe(
      [
        'folder cycle audit -> auth -> audit',
        '  audit -> auth: audit/x.ts imports auth/y.ts',
        '  auth -> audit: auth/x.ts imports audit/y.ts',
      ].join('\n'),
    );
  });

  it('finds a longer cycle that no pair of folders shows', () => {
    const graph = graphOf(
      ['secrets', 'database'],
      ['database', 'registry'],
      ['registry', 'secrets'],
      ['registry', 'common'],
    );
    const cycles = folderCycles(graph);
    expect(cycles).toEqual([
      {
        group: ['database', 'registry', 'secrets'],
        cycle: ['database', 'registry', 'secrets', 'database'],
      },
    ]);
    expect(describeCycle(graph, cycles[0])).toContain(
      'registry -> secrets: registry/x.ts imports secrets/y.ts',
    );
  });

  it('reports each separate cycle once', () => {
    const graph = graphOf(['a', 'b'], ['b', 'a'], ['c', 'd'], ['d', 'e'], ['e', 'c'], ['b', 'c']);
    expect(folderCycles(graph).map((found) => found.cycle)).toEqual(
      expect.arrayContaining([
        ['a', 'b', 'a'],
        ['c', 'd', 'e', 'c'],
      ]),
    );
    expect(folderCycles(graph)).toHaveLength(2);
  });

  it('accepts a graph without cycles, diamonds included', () => {
    const graph = graphOf(
      ['app', 'tools'],
      ['app', 'health'],
      ['tools', 'registry'],
      ['health', 'registry'],
    );
    expect(folderCycles(graph)).toEqual([]);
  });

  it('names every folder of a group that the shortest cycle leaves out', () => {
    const graph = graphOf(['a', 'b'], ['b', 'a'], ['b', 'c'], ['c', 'a']);
    const [found] = folderCycles(graph);
    expect(found.cycle).toEqual(['a', 'b', 'a']);
    expect(describeCycle(graph, found)).toContain('(all in one cycle: a, b, c)');
  });
});
