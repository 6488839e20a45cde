import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Sink = { url: string; count: () => Promise<number>; stop: () => void };

/** Starts the receiver of sink-server.ts in a child process on a free loopback port. */
export async function startSink(): Promise<Sink> {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sink-server.ts');
  const child: ChildProcess = fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`benchmark receiver exited during start with code ${code}`)));
    child.once('message', (message) => resolve((message as { port: number }).port));
  });
  child.removeAllListeners('exit');

  const count = (): Promise<number> =>
    new Promise((resolve) => {
      child.once('message', (message) => resolve((message as { count: number }).count));
      child.send('count');
    });
  return { url: `http://127.0.0.1:${port}`, count, stop: () => child.kill() };
}
