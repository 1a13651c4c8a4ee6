/**
 * `npm run contract`: the contract test's Schemathesis run with its full output, for reading what
 * it tried and replaying a failure. Arguments after `--` are passed on to `schemathesis run`
 * (e.g. `npm run contract -- --max-examples 200 --phases fuzzing`).
 */
import { provideSchemathesis } from '../../scripts/contract-tools';
import { startContractServer } from './contract-server';
import { runSchemathesis } from './schemathesis';
import { describeReport, readContractReport } from './schemathesis-report';

const schemathesis = await provideSchemathesis();
if (schemathesis.path === null) {
  console.error(`Schemathesis is not available: ${schemathesis.reason}`);
  process.exit(1);
}
const server = await startContractServer();
try {
  const run = await runSchemathesis(schemathesis.path, server, { output: 'inherit', extraArgs: process.argv.slice(2) });
  console.log(`\n${describeReport(await readContractReport(run.reportDir))}\nreports in ${run.reportDir}`);
  process.exitCode = run.exitCode ?? 1;
} finally {
  await server.close();
}
