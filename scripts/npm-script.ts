/**
 * How to run one of package.json's scripts as its own process, the way a user's `npm run <name>`
 * does but without npm in between (so a signal reaches the script's process itself).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const scripts = (
  JSON.parse(readFileSync(`${PROJECT_ROOT}/package.json`, 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** The executable (this Node, or one from node_modules/.bin) and arguments of `npm run <name>`. */
export function npmScriptCommand(name: string): { executable: string; args: string[] } {
  const command = scripts[name];
  if (!command) throw new Error(`package.json has no script "${name}"`);
  const [bin, ...args] = command.split(' ');
  return { executable: bin === 'node' ? process.execPath : `${PROJECT_ROOT}/node_modules/.bin/${bin}`, args };
}
