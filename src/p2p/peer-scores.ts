/**
 * Misbehaviour points per peer, as Core's ban score: each offence adds points and a peer whose
 * total reaches the threshold is banned. Scores live as long as the process (a peer cannot wash
 * its score by reconnecting) and are dropped once the peer is banned.
 */
export class PeerScores {
  private readonly scores = new Map<string, number>();

  constructor(readonly threshold: number) {}

  /** Adds `points`; returns the new total and whether it crossed the threshold. */
  add(peerId: string, points: number): { score: number; ban: boolean } {
    const score = (this.scores.get(peerId) ?? 0) + points;
    this.scores.set(peerId, score);
    return { score, ban: score >= this.threshold };
  }

  get(peerId: string): number {
    return this.scores.get(peerId) ?? 0;
  }

  forget(peerId: string): void {
    this.scores.delete(peerId);
  }
}
