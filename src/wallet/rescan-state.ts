/**
 * The wallet's running rescan, if any (Core's fScanningWallet and fAbortRescan): getwalletinfo's
 * `scanning` reads it, and abortrescan sets the flag the scan loop checks before each block. It
 * is touched outside the wallet's queue on purpose: the rescan holds the queue while it runs.
 */
import { WalletError } from './errors.js';

interface RunningScan {
  start: number;
  stop: number;
  /** The height being scanned. */
  at: number;
  /** Wall-clock milliseconds when it began. */
  startedAt: number;
}

export class RescanState {
  private running: RunningScan | undefined;
  private aborting = false;

  get isScanning(): boolean {
    return this.running !== undefined;
  }

  begin(start: number, stop: number): void {
    this.running = { start, stop, at: start, startedAt: Date.now() };
    this.aborting = false;
  }

  /** Before each block: records progress, and stops the scan when abortrescan asked (Core's -1). */
  reach(height: number): void {
    if (this.aborting) throw new WalletError('rescan-aborted', 'Rescan aborted by user.');
    if (this.running) this.running.at = height;
  }

  end(): void {
    this.running = undefined;
    this.aborting = false;
  }

  /** Core's abortrescan: true when a scan was running and will stop, false otherwise (or already stopping). */
  abort(): boolean {
    if (!this.running || this.aborting) return false;
    this.aborting = true;
    return true;
  }

  /** getwalletinfo's `scanning`: false, or how long and how far (0..1) the scan has gone. */
  info(): false | { duration: number; progress: number } {
    const scan = this.running;
    if (!scan) return false;
    const span = scan.stop - scan.start + 1;
    return { duration: Math.floor((Date.now() - scan.startedAt) / 1000), progress: span > 0 ? (scan.at - scan.start) / span : 0 };
  }
}
