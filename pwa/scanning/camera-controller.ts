import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { cameraPrecondition, type ScanErrorDetail, scanErrorFrom } from './scan-errors.ts';

/**
 * - `idle`: not asked for yet, or stopped by {@link CameraController.stop}
 * - `starting`: waiting for `getUserMedia` (and perhaps for the person to allow it)
 * - `live`: {@link CameraController.stream} is running
 * - `paused`: released because the page is hidden; restarts when it is visible again
 * - `failed`: see {@link CameraController.error}
 */
export type CameraState = 'idle' | 'starting' | 'live' | 'paused' | 'failed';

/** Options of {@link CameraController}. */
export interface CameraControllerOptions {
  /** Passed to `getUserMedia`; the rear camera by default. */
  constraints?: MediaStreamConstraints;
  /** Called once per failure, after the state became `failed`. */
  onError?: (error: ScanErrorDetail) => void;
}

/**
 * Owns one camera stream for a Lit element: opens it on {@link start}, stops every track on
 * {@link stop}, when the host is disconnected and while the page is hidden (resuming when it is
 * visible again, if the host still wants the camera). The host re-renders on each state change.
 *
 * @example
 * class MyScanner extends LitElement {
 *   camera = new CameraController(this, { onError: (e) => console.warn(e.code) });
 *   override connectedCallback() { super.connectedCallback(); void this.camera.start(); }
 * }
 */
export class CameraController implements ReactiveController {
  state: CameraState = 'idle';
  stream: MediaStream | null = null;
  error: ScanErrorDetail | null = null;

  readonly #host: ReactiveControllerHost;
  readonly #constraints: MediaStreamConstraints;
  readonly #onError: ((error: ScanErrorDetail) => void) | undefined;
  /** Whether the host wants the camera on; survives a pause while the page is hidden. */
  #wanted = false;
  /** Bumped on every start and release so a late `getUserMedia` answer can tell it is stale. */
  #generation = 0;

  constructor(host: ReactiveControllerHost, options: CameraControllerOptions = {}) {
    const { constraints = { video: { facingMode: 'environment' }, audio: false }, onError } =
      options;
    this.#host = host;
    this.#constraints = constraints;
    this.#onError = onError;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
    this.stop();
  }

  /**
   * Asks for the camera (again). Resolves once it is live, paused or failed; never rejects.
   * While the page is hidden it only records the wish and opens the camera on return.
   */
  async start(): Promise<void> {
    this.#wanted = true;
    if (this.state === 'live' || this.state === 'starting') return;
    if (document.visibilityState === 'hidden') return this.#set('paused');
    const problem = cameraPrecondition(globalThis);
    if (problem) return this.#fail(problem);
    const generation = ++this.#generation;
    this.error = null;
    this.#set('starting');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(this.#constraints);
    } catch (error) {
      if (generation === this.#generation) this.#fail(scanErrorFrom(error));
      return;
    }
    // Stopped, hidden or restarted while the person was answering the prompt: do not keep it.
    if (generation !== this.#generation) return stopTracks(stream);
    this.stream = stream;
    this.#set('live');
  }

  /** Stops every track and forgets the wish for a camera: a hidden-then-visible page stays off. */
  stop(): void {
    this.#wanted = false;
    this.#release('idle');
  }

  #release(next: CameraState): void {
    this.#generation += 1;
    if (this.stream) stopTracks(this.stream);
    this.stream = null;
    if (this.state !== next) this.#set(next);
  }

  #fail(error: ScanErrorDetail): void {
    this.#wanted = false;
    this.error = error;
    this.#set('failed');
    this.#onError?.(error);
  }

  #set(state: CameraState): void {
    this.state = state;
    this.#host.requestUpdate();
  }

  readonly #onVisibility = (): void => {
    if (!this.#wanted) return;
    if (document.visibilityState === 'hidden') {
      this.#release('paused');
    } else if (this.state === 'paused') {
      void this.start();
    }
  };
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
