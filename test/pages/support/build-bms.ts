import { buildOnce } from '../../support/build-once.ts';

const inputs = [
  'server/pages/client',
  'server/pages/vite.config.ts',
  'sdk/client',
  'sdk/elements',
  'sdk/otp',
  // Its sideEffects field decides what the bundler may drop from sdk/.
  'sdk/package.json',
  'package.json',
];

/**
 * Builds the BMS pages bundle once per source state into `.tmp/bms-build/<fingerprint>` and
 * returns the folder (see {@link buildOnce}).
 *
 * @example const assetsDir = await buildBms();
 */
export const buildBms = (): Promise<string> =>
  buildOnce('bms-build', inputs, (out) => [
    'node_modules/vite/bin/vite.js',
    'build',
    '--config',
    'server/pages/vite.config.ts',
    '--outDir',
    out,
    '--logLevel',
    'warn',
  ]);
