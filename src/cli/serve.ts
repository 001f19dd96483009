import { buildApp } from '../app/build-app.js';
import type { Config } from '../config/index.js';
import { createLogger } from '../log/index.js';

/**
 * `modgate serve`: builds the app, starts it, and stops it gracefully on SIGINT/SIGTERM (a
 * second signal exits at once).
 */
export async function serve(config: Config): Promise<void> {
  const logger = createLogger(config.log);
  const app = await buildApp(config, logger);
  await app.start();
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight requests');
    app.stop().then(
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
}
