import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startModernHttpMcpServer, type TestMcpServer } from './index';

/**
 * `replayReads` answers discover and the lists from the SDK's own first answer: a client must
 * not be able to tell, and a changed catalogue must not be served from the old answer.
 */
describe('startModernHttpMcpServer replayReads', () => {
  const servers: TestMcpServer[] = [];
  const clients: Client[] = [];

  async function connect(server: TestMcpServer): Promise<Client> {
    const client = new Client(
      { name: 'spec', version: '1.0.0' },
      { versionNegotiation: { mode: 'auto' } },
    );
    clients.push(client);
    await client.connect(new StreamableHTTPClientTransport(new URL(server.routeUrl('a'))));
    return client;
  }

  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((client) => client.close()));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  it('gives a client the same discover and lists as the plain SDK server', async () => {
    const plain = await startModernHttpMcpServer({ era: 'modern', name: 'same' });
    const replaying = await startModernHttpMcpServer({
      era: 'modern',
      name: 'same',
      replayReads: true,
    });
    servers.push(plain, replaying);
    const reference = await connect(plain);
    const expected = await reference.listTools();
    for (let round = 0; round < 3; round++) {
      // A new client each round: its discover is replayed from the second round on.
      const client = await connect(replaying);
      expect(client.getServerVersion()).toEqual(reference.getServerVersion());
      expect(client.getServerCapabilities()).toEqual(reference.getServerCapabilities());
      expect(await client.listTools()).toEqual(expected);
      expect(await client.listPrompts()).toEqual(await reference.listPrompts());
    }
    const call = await (
      await connect(replaying)
    ).callTool({
      name: 'echo',
      arguments: { text: 'live' },
    });
    expect(call.content).toEqual([{ type: 'text', text: 'live' }]);
  });

  it('answers from the new catalogue once the tools changed', async () => {
    const server = await startModernHttpMcpServer({ era: 'modern', replayReads: true });
    servers.push(server);
    const client = await connect(server);
    const before = (await client.listTools()).tools.map((tool) => tool.name);
    expect(before).not.toContain('added');
    await server.setExtraTools(['added']);
    const after = (await client.listTools()).tools.map((tool) => tool.name);
    expect(after).toEqual([...before, 'added']);
  });
});
