/**
 * The floor: a bare Node `http` pipe proxy (no parsing, no auth) in front of the fake upstream.
 * Anything a gateway adds is measured against this and against calling the upstream directly.
 *   npx tsx bench/pipe-proxy.ts --port 19020 --upstream http://127.0.0.1:19001
 */
import http from 'node:http';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const port = Number(arg('--port', '19020'));
const upstream = new URL(arg('--upstream', 'http://127.0.0.1:19001'));
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

http
  .createServer((req, res) => {
    const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  })
  .listen(port, '127.0.0.1', () => process.stdout.write(`pipe-proxy listening on ${port}\n`));
