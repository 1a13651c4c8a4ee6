/**
 * What must never be in a log (issue: personal data in logs): the fixtures' buyers, any email
 * address or E.164 phone number, API keys and bearer secrets, and unsubscribe tokens. Scanned
 * over the run log when `vitest run` ends; a finding fails the run.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startJourneyExample } from '../../api/schemas/journeys';

const FORBIDDEN: [string, RegExp][] = [
  ['a fixture buyer’s name', new RegExp(`${startJourneyExample.buyer.name}|Alex Doe|Marisol Quintanilha`)],
  // Not after a backslash: `\n@type.googleapis.com` in a gRPC error's details is no address.
  ['an email address', /(?<![\\\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/],
  ['a phone number', /\+\d{8,15}\b/],
  ['an API key', /key-tenant-[ab]-secret|dk_live_\w|e2e-owner-key|dev-key-change-me/],
  ['a bearer credential', /Bearer\s+(?!\[redacted\])\S/i],
  ['an unsubscribe token', /\/unsubscribe\/(?!\[token\])[^\s"/?]/],
];

export interface LogScan {
  files: number;
  lines: number;
  findings: { what: string; file: string; line: string }[];
}

export function scanLogs(dir: string): LogScan {
  const scan: LogScan = { files: 0, lines: 0, findings: [] };
  for (const name of readdirSync(dir)) {
    scan.files++;
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (!line) continue;
      scan.lines++;
      for (const [what, pattern] of FORBIDDEN)
        if (pattern.test(line)) scan.findings.push({ what, file: name, line: line.slice(0, 300) });
    }
  }
  return scan;
}
