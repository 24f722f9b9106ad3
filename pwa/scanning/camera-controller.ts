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

/** What the live camera offers beyond a picture; each control is shown only when offered. */
export interface CameraFeatures {
  /** The track's capabilities include `torch` (most Android rear cameras). */
  torch: boolean;
  /** The device has more than one camera (front and rear), so the picture can switch. */
  switchCamera: boolean;
}

const NO_FEATURES: CameraFeatures = { torch: false, switchCamera: false };

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
  /** Torch and camera switch, as the live track and the device offer them. */
  features: CameraFeatures = NO_FEATURES;
  /** Whether the torch is on (only while {@link features}.torch). */
  torchOn = false;

  readonly #host: ReactiveControllerHost;
  #constraints: MediaStreamConstraints;
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
    this.torchOn = false;
    this.#set('live');
    const features = await cameraFeatures(stream);
    if (generation === this.#generation) {
      this.features = features;
      this.#host.requestUpdate();
    }
  }

  /** Turns the torch on or off; resolves `false` when the camera refused. */
  async setTorch(on: boolean): Promise<boolean> {
    const track = this.stream?.getVideoTracks()[0];
    if (!track || !this.features.torch) return false;
    try {
      // `torch` is in the Image Capture spec's constraints, not yet in TypeScript's DOM types.
      await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
    } catch {
      return false;
    }
    this.torchOn = on;
    this.#host.requestUpdate();
    return true;
  }

  /** Opens the next camera of the device (rear → front → …), keeping the wish for a camera. */
  async switchCamera(): Promise<void> {
    const current = this.stream?.getVideoTracks()[0]?.getSettings().deviceId;
    const cameras = await videoInputs();
    if (cameras.length < 2) return;
    const at = cameras.findIndex((camera) => camera.deviceId === current);
    const next = cameras[(at + 1) % cameras.length]!;
    this.#constraints = { video: { deviceId: { exact: next.deviceId } }, audio: false };
    this.#release('idle');
    await this.start();
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
    this.features = NO_FEATURES;
    this.torchOn = false;
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

async function videoInputs(): Promise<MediaDeviceInfo[]> {
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    return devices.filter((device) => device.kind === 'videoinput' && device.deviceId !== '');
  } catch {
    return [];
  }
}

async function cameraFeatures(stream: MediaStream): Promise<CameraFeatures> {
  const track = stream.getVideoTracks()[0];
  // getCapabilities is missing in some browsers (Firefox before 132): then nothing is offered.
  const capabilities =
    typeof track?.getCapabilities === 'function'
      ? (track.getCapabilities() as MediaTrackCapabilities & { torch?: boolean })
      : {};
  return {
    torch: capabilities.torch === true,
    switchCamera: (await videoInputs()).length > 1,
  };
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
