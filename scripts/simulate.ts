/** `npm run simulate`: see simulate-command.ts. */
import { simulateCommand } from './simulate-command';
import { simulationEnvironmentFromEnv } from '../worker';

process.exitCode = await simulateCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: process.stderr,
  env: process.env,
  now: () => Date.now(),
  environment: simulationEnvironmentFromEnv(process.env),
});
