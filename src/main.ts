import closeWithGrace from 'close-with-grace';
import { describeConfigIssues } from './config/load-config.ts';
import { readEnvironment } from './config/environment.ts';
import type { KeyedIssue } from './config/zod-issues.ts';
import { isParleyError } from './errors.ts';
import { start } from './start.ts';

// Entry point of `npm start`. Start-up failures print what is wrong, without a stack trace.
const { environment, problems } = readEnvironment();
if (problems.length > 0) {
  process.stderr.write(`parley: cannot start:\n${problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n')}\n`);
  process.exit(1);
}

try {
  const parley = await start(environment);
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) parley.logger.error({ err }, 'stopping after an unexpected error');
    else parley.logger.info({ signal }, 'stopping');
    await parley.stop();
  });
} catch (error) {
  if (!isParleyError(error)) throw error;
  const issues = (error.details as { issues?: KeyedIssue[] }).issues;
  process.stderr.write(`parley: cannot start: ${error.message} [${error.code}]\n${issues ? describeConfigIssues(issues) + '\n' : ''}`);
  process.exit(1);
}
