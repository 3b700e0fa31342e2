/**
 * Real-time delivery (issue 5): a check runs on replica A; how long until its event reaches a
 * Socket.IO client connected to replica B, through Redis. Prints p50/p99 over EVENTS events with
 * CLIENTS clients connected to B (USERS distinct API keys sharing them), and the fan-out cost:
 * replica B's CPU time per event.
 * Target: p99 under 50 ms with 500 clients.
 *
 *   npm run bench:realtime                (CLIENTS=500 USERS=100 EVENTS=1000 RATE=9)
 */
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  cpuSeconds,
  benchDatabase,
  fmt,
  postJson,
  startGateway,
  startUpstreamProcess,
  summarize,
} from './support';

const CLIENTS = Number(process.env.CLIENTS ?? 500);
const USERS = Number(process.env.USERS ?? 100);
const EVENTS = Number(process.env.EVENTS ?? 1_000);
/** Events per second: under the 10 messages/s per user limit, so latency is not queueing. */
const RATE = Number(process.env.RATE ?? 9);
const SERVERS = 5;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function main(): Promise<void> {
  const upstream = await startUpstreamProcess('streamable_http');
  const db = await benchDatabase();
  const env = {
    REDIS_URL,
    OMNI2_REDIS_NAMESPACE: `bench${randomBytes(3).toString('hex')}`,
    OMNI2_COORDINATOR: 'off',
  };
  const a = await startGateway(db.url, env);
  const b = await startGateway(db.url, env);
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < SERVERS; i++) {
      const res = await postJson(
        `${a.api}/mcp/servers`,
        { name: `rt-${i}`, protocol: 'streamable_http', url: upstream.url },
        a.auth,
      );
      if (res.status !== 201) throw new Error(`register: ${JSON.stringify(res.json)}`);
      await postJson(`${a.api}/mcp/servers/rt-${i}/health-check`, {}, a.auth);
    }
    const keys: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const res = await postJson(
        `${a.api}/api-keys`,
        { name: `viewer ${u}`, role: 'viewer' },
        a.auth,
      );
      keys.push(res.json.key as string);
    }
    const latencies: number[] = [];
    let delivered = 0;
    const base = b.api.replace('/api/v1', '');
    for (let c = 0; c < CLIENTS; c++) {
      const socket = io(`${base}/events`, {
        auth: { token: keys[c % USERS] },
        transports: ['websocket'],
        reconnection: false,
      });
      socket.on('mcp_health_check', (e: { timestamp: string }) => {
        latencies.push(Date.now() - Date.parse(e.timestamp));
        delivered++;
      });
      await new Promise<void>((done, fail) => {
        socket.once('connect', () => done());
        socket.once('connect_error', fail);
      });
      sockets.push(socket);
    }
    console.log(
      `${CLIENTS} clients on replica B (${USERS} users), checks on replica A at ${RATE}/s`,
    );

    const cpuBefore = cpuSeconds(b.proc.pid!);
    const started = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      const due = started + (i * 1_000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      void postJson(`${a.api}/mcp/servers/rt-${i % SERVERS}/health-check`, {}, a.auth);
    }
    const expected = EVENTS * CLIENTS;
    const deadline = Date.now() + 30_000;
    while (delivered < expected && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const cpu = cpuSeconds(b.proc.pid!) - cpuBefore;
    const seconds = (performance.now() - started) / 1_000;

    const { p50, p99, mean } = summarize(latencies);
    console.log(`  delivered ${delivered}/${expected} in ${seconds.toFixed(1)} s`);
    console.log(
      `  check written -> client on replica B: p50 ${fmt(p50)}  p99 ${fmt(p99)}  mean ${fmt(mean)}`,
    );
    console.log(
      `  replica B CPU: ${cpu.toFixed(2)} s (${((cpu / seconds) * 100).toFixed(1)}% of a core), ` +
        `${((cpu * 1_000) / EVENTS).toFixed(2)} ms per event, ` +
        `${((cpu * 1e6) / Math.max(1, delivered)).toFixed(1)} µs per delivery`,
    );
  } finally {
    for (const socket of sockets) socket.close();
    await b.stop();
    await a.stop();
    await upstream.stop();
    await db.drop();
  }
}

void main();
