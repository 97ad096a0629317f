import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../../shared/http/openapi.js';

const run = promisify(execFile);
// @redocly/cli ships as one bundle without a programmatic API, so the test runs its CLI.
const cli = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin/cli.js');

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: Array<{
    ruleId: string;
    severity: string;
    message: string;
    location?: Array<{ pointer?: string }>;
  }>;
}

async function lint(file: string, cwd: string): Promise<LintReport> {
  const args = [cli, 'lint', '--extends', 'recommended', '--format', 'json', file];
  // No telemetry or update checks from a test run.
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  try {
    const { stdout } = await run(process.execPath, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as LintReport;
  } catch (error) {
    // Exit code 1 means problems were found; the report is still on stdout.
    const stdout = (error as { stdout?: string }).stdout;
    if (!stdout) throw error;
    return JSON.parse(stdout) as LintReport;
  }
}

describe('openApiDocument', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'huitou-openapi-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes redocly lint with the recommended rules', { timeout: 60_000 }, async () => {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(openApiDocument(), null, 2));
    const report = await lint(file, dir);
    const problems = report.problems
      .map((p) => `${p.severity} ${p.ruleId} at ${p.location?.[0]?.pointer ?? '?'}: ${p.message}`)
      .join('\n');
    expect(report.totals.errors, problems).toBe(0);
    expect(report.totals.warnings, problems).toBe(0);
  });
});
