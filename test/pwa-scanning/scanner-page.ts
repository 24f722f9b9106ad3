/** Page helpers and init scripts shared by the `<qr-scanner>` browser tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type Harness, startHarness } from './harness-server.ts';

/**
 * Starts the harness server and a temp folder (for Y4M videos) around one test file; read the
 * fields inside tests and hooks, once `beforeAll` has run.
 */
export function useScannerHarness(): { harness: Harness; dir: string } {
  const fixture = {} as { harness: Harness; dir: string };
  beforeAll(async () => {
    fixture.dir = await mkdtemp(join(tmpdir(), 'qr-scanner-'));
    fixture.harness = await startHarness();
  });
  afterAll(async () => {
    await fixture.harness?.close();
    if (fixture.dir) await rm(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}

/** Chromium flag: a fake camera (fed by `--use-file-for-fake-video-capture`). */
export const fakeCamera = ['--use-fake-device-for-media-stream'];
/** Chromium flag: answer "Allow" to every camera prompt. */
export const allowCamera = '--use-fake-ui-for-media-stream';

/** Puts a fresh `<qr-scanner>` on the page (it opens the camera on connect). */
export function mountScanner(page: Page, alternatives = false) {
  return page.evaluate((withAlternatives) => {
    window.harness.events.length = 0;
    const scanner = document.createElement('qr-scanner');
    if (withAlternatives) {
      scanner.innerHTML = '<button slot="alternatives">Type the key instead</button>';
    }
    document.body.replaceChildren(scanner);
  }, alternatives);
}

/** readyState of every track of every stream the page was given, in order. */
export function trackStates(page: Page) {
  return page.evaluate(() =>
    window.harness.streams.map((stream) => stream.getTracks().map((track) => track.readyState)),
  );
}

/** Text of the element with `role`, whitespace collapsed as a screen reader would read it. */
export async function spoken(page: Page, role: 'status' | 'alert'): Promise<string> {
  return ((await page.getByRole(role).textContent()) ?? '').replace(/\s+/g, ' ').trim();
}
/** What the init scripts below record in the page. */
export interface FrameLog {
  workers: number;
  workerFrames: { width: number; height: number }[];
  detectorFormats: string[][];
}

/** Reads the {@link FrameLog} back from the page. */
export function frameLog(page: Page): Promise<FrameLog> {
  return page.evaluate(() => {
    const { workers, workerFrames, detectorFormats } = window as unknown as FrameLog;
    return { workers, workerFrames, detectorFormats };
  });
}

/** Init script: counts workers and records the size of each frame posted to one (not altering it). */
export function recordWorkerFrames() {
  const log = window as unknown as FrameLog;
  log.workers = 0;
  log.workerFrames = [];
  log.detectorFormats = [];
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      log.workers += 1;
    }
    override postMessage(message: unknown, transfer?: unknown): void {
      const { width, height } = message as { width: number; height: number };
      log.workerFrames.push({ width, height });
      super.postMessage(message, transfer as Transferable[]);
    }
  };
}

/** Init script: a BarcodeDetector that answers for any real video frame. */
export function installFakeBarcodeDetector(supported: string[]) {
  const log = window as unknown as FrameLog;
  class FakeBarcodeDetector {
    static getSupportedFormats() {
      return Promise.resolve(supported);
    }
    constructor(options: { formats: string[] }) {
      log.detectorFormats.push(options.formats);
    }
    detect(source: unknown) {
      const frame = source instanceof HTMLVideoElement && source.videoWidth > 0;
      return Promise.resolve(frame ? [{ rawValue: 'from BarcodeDetector' }] : []);
    }
  }
  Object.assign(window, { BarcodeDetector: FakeBarcodeDetector });
}

/** The scanner's status line, as read aloud. */
export const status = (page: Page) => spoken(page, 'status');
/** The failure message, as read aloud. */
export const alert = (page: Page) => spoken(page, 'alert');
