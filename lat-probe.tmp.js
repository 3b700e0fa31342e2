const { startHttpMcpServer } = require('./dist/libs/testkit/src');
const { benchDatabase, startGateway, postJson, summarize } = require('./dist/bench/support');
async function time(fn, n) {
  const s = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    s.push(performance.now() - t);
  }
  return summarize(s);
}
(async () => {
  const up = await startHttpMcpServer({ protocol: 'streamable_http' });
  const db = await benchDatabase();
  const gw = await startGateway(db.url);
  await postJson(`${gw.api}/mcp/servers`, { name: 'b', protocol: 'streamable_http', url: up.url });
  const base = gw.api.replace('/api/v1', '');
  const r = {};
  for (const round of [0, 1]) {
    r.live = await time(() => fetch(`${base}/health/live`).then((x) => x.text()), 1000);
    r.getOne = await time(() => fetch(`${gw.api}/mcp/servers/b`).then((x) => x.text()), 1000);
    r.caps = await time(
      () => fetch(`${gw.api}/mcp/servers/b/capabilities`).then((x) => x.text()),
      1000,
    );
    r.exec = await time(
      () => postJson(`${gw.api}/mcp/servers/b/tools/echo/execute`, { arguments: { text: 'a' } }),
      1000,
    );
  }
  for (const [k, v] of Object.entries(r))
    console.log(k.padEnd(8), 'p50', v.p50.toFixed(3), 'p99', v.p99.toFixed(3));
  await gw.stop();
  await up.stop();
  await db.drop();
})();
