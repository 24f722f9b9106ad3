import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files a page shell links: the entry script and its stylesheets (URLs under `/assets/bms/`). */
export interface BundleAssets {
  script: string | null;
  styles: string[];
}

interface ManifestChunk {
  file: string;
  css?: string[];
  isEntry?: boolean;
}

export const ASSETS_BASE = '/assets/bms/';

/**
 * Reads the Vite manifest of the pages bundle once, at start-up. Returns `script: null` when the
 * bundle has not been built, so the shells can say so instead of failing silently.
 *
 * @example const assets = readBundleAssets('/srv/mfa/dist/bms');
 */
export function readBundleAssets(dir: string): BundleAssets {
  const path = join(dir, '.vite', 'manifest.json');
  if (!existsSync(path)) return { script: null, styles: [] };
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, ManifestChunk>;
  const entry = Object.values(manifest).find((chunk) => chunk.isEntry);
  if (!entry) return { script: null, styles: [] };
  return {
    script: ASSETS_BASE + entry.file,
    styles: (entry.css ?? []).map((file) => ASSETS_BASE + file),
  };
}
