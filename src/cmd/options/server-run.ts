/**
 * How the server runs (`pkg/server/options/server_run_options.go`, and the log level): the in-flight
 * limits, the delay between SIGTERM and closing the listener, and what is logged (level, slow requests).
 */
import { type Command, Option } from 'commander';
import { DEFAULT_SLOW_REQUEST_THRESHOLD, type HTTPLogOptions } from '../../server/filters/httplog.js';
import type { MaxInFlightOptions } from '../../server/filters/max-in-flight.js';
import type { ServerConfig } from '../../server/server.js';
import { int, parseDuration } from './parse.js';

export class ServerRunOptions {
  maxRequestsInflight = 400;
  maxMutatingRequestsInflight = 200;
  /** Seconds /readyz reports failure before the server stops listening. */
  shutdownDelayDuration = 0;
  logLevel = 'info';
  /** Seconds; requests at least this slow are logged. */
  slowRequestThreshold = DEFAULT_SLOW_REQUEST_THRESHOLD;

  addFlags(cmd: Command): void {
    cmd
      .option(
        '--max-requests-inflight <n>',
        'maximum number of non-mutating requests in flight at a given time; 0 means no limit',
        int,
        this.maxRequestsInflight,
      )
      .option(
        '--max-mutating-requests-inflight <n>',
        'maximum number of mutating requests in flight at a given time; 0 means no limit',
        int,
        this.maxMutatingRequestsInflight,
      )
      .option(
        '--shutdown-delay-duration <duration>',
        'time to keep serving with /readyz failing after SIGTERM, so load balancers stop sending traffic',
        parseDuration,
        this.shutdownDelayDuration,
      )
      .addOption(
        new Option('--log-level <level>', 'log level')
          .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default(this.logLevel),
      )
      .option(
        '--slow-request-threshold <duration>',
        'log a line (with its audit ID) for each request that takes at least this long; 0 logs none (--log-level=debug logs every request)',
        parseDuration,
        this.slowRequestThreshold,
      );
  }

  maxInFlight(): MaxInFlightOptions {
    return { maxRequestsInflight: this.maxRequestsInflight, maxMutatingRequestsInflight: this.maxMutatingRequestsInflight };
  }

  httpLog(): HTTPLogOptions {
    return { slowRequestThreshold: this.slowRequestThreshold };
  }

  logger(): ServerConfig['logger'] {
    return this.logLevel === 'silent' ? false : { level: this.logLevel };
  }
}
