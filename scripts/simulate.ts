/** `npm run simulate`: see simulate-command.ts. */
import { simulateCommand } from './simulate-command';
import { simulationEnvironmentFromEnv } from '../activities/simulation-environment';

process.exitCode = await simulateCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: process.stderr,
  env: process.env,
  now: () => Date.now(),
  environment: simulationEnvironmentFromEnv(process.env),
});
