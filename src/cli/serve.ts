import { buildApp } from '../app/build-app.js';
import type { Config } from '../config/index.js';
import { createLogger } from '../log/index.js';

/**
 * `modgate serve`: builds the app, starts it, and stops it gracefully on SIGINT/SIGTERM (a
 * second signal exits at once). The handlers are installed before the listener opens, so a
 * signal that arrives as soon as the URL is logged still gets a graceful stop.
 */
export async function serve(config: Config): Promise<void> {
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  const app = await buildApp(config, logger);
  let stopping = false;
  let started: Promise<unknown> = Promise.resolve();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight requests');
    started
      .catch(() => undefined)
      .then(() => app.stop())
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // SIGHUP: the users file and TLS certificate are read again, the audit file reopened.
  process.on('SIGHUP', () => {
    logger.info({ signal: 'SIGHUP' }, 'reloading');
    app.reload?.();
  });
  started = app.start();
  await started;
}
