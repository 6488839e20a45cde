// npm start: serves the gateway and console; see scripts/launch.ts.
import { launch } from './launch';

async function main(): Promise<void> {
  const app = await launch();
  process.stdout.write(`Switchyard listening on ${app.url}\n`);
  const stop = (): void => void app.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  app.server.once('exit', (code) => void app.stop().then(() => process.exit(code ?? 0)));
}

main().catch((error) => {
  process.stderr.write(`Switchyard could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
