// A minimal HTTP receiver for benchmarks, run as a child process so that it does not share
// the event loop of the process under test. It reads each request body, replies 200 "ok",
// and counts requests. Over IPC it sends { port } once listening, and replies to "count" with
// { count }.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

let count = 0;

const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    count++;
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    response.end('ok');
  });
});
// Keep idle connections open between the benchmark's phases.
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ port });
});

process.on('message', (message) => {
  if (message === 'count') process.send?.({ count });
});
process.on('disconnect', () => process.exit(0));
