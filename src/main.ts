import { describeStartupDetails } from './config/load-config.ts';
import { readEnvironment } from './config/environment.ts';
import { isParleyError } from './errors.ts';
import { handleShutdown } from './graceful-shutdown.ts';
import { createLogger } from './logging/logger.ts';
import { start } from './start.ts';

// Entry point of `npm start`. Start-up failures print what is wrong, without a stack trace.
const { environment, problems } = readEnvironment();
if (problems.length > 0) {
  process.stderr.write(`parley: cannot start:\n${problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n')}\n`);
  process.exit(1);
}

// Before start(): a SIGTERM while a CRM is slow to answer at connect waits for start() to finish,
// then stops what it started. One shutdown however many signals come; exit within 10 s regardless.
// Reported in the service's own log format from the first signal on (JSON lines stay JSON lines).
const shutdown = handleShutdown({ deadlineMs: 10_000, reporter: createLogger(environment.logLevel, undefined, environment.logFormat).child({ component: 'shutdown' }) });
try {
  const parley = await start(environment, { signal: shutdown.requested });
  shutdown.useLogger(parley.logger);
  shutdown.onStop(() => parley.stop());
} catch (error) {
  shutdown.uninstall();
  if (!isParleyError(error)) throw error;
  process.stderr.write(`parley: cannot start: ${error.message} [${error.code}]\n${describeStartupDetails(error.details)}`);
  process.exit(1);
}
