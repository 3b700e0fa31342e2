const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const {
  StreamableHTTPClientTransport,
} = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
const {
  benchDatabase,
  startGateway,
  postJson,
  summarize,
  startUpstreamProcess,
} = require('./dist/bench/support');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true });
const get = (url) =>
  new Promise((ok) =>
    http.get(url, { agent }, (r) => {
      r.resume();
      r.on('end', ok);
    }),
  );
async function time(fn, n) {
  const s = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    s.push(performance.now() - t);
  }
  return summarize(s).p50.toFixed(3);
}
(async () => {
  const up = await startUpstreamProcess('streamable_http');
  const db = await benchDatabase();
  const gw = await startGateway(db.url, {
    OMNI2_COORDINATOR: 'off',
    LOG_LEVEL: process.env.GW_LOG || 'warn',
  });
  await postJson(`${gw.api}/mcp/servers`, { name: 'b', protocol: 'streamable_http', url: up.url });
  const c = new Client({ name: 'x', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(up.url)));
  const base = gw.api.replace('/api/v1', '');
  const fns = {
    live: () => get(`${base}/health/live`),
    post404: () => postJson(`${gw.api}/nothing`, { arguments: { text: 'a' } }),
    exec: () =>
      postJson(`${gw.api}/mcp/servers/b/tools/echo/execute`, { arguments: { text: 'a' } }),
    direct: () => c.callTool({ name: 'echo', arguments: { text: 'a' } }),
  };
  for (const f of Object.values(fns)) await time(f, 300);
  const out = {};
  for (let r = 0; r < 3; r++)
    for (const [k, f] of Object.entries(fns)) (out[k] ??= []).push(await time(f, 700));
  console.log(JSON.stringify(out));
  await c.close();
  await gw.stop();
  await up.stop();
  await db.drop();
})();
