/**
 * The OVHcloud server clock, as seen from here: the server's time is fetched once (lazily, one
 * fetch shared by every concurrent first caller) and kept as a delta to the local clock.
 */
export class ServerClock {
  private delta: number | undefined;
  private pending: Promise<number> | undefined;
  /** Bumped by every successful sync; lets concurrent QUERY_TIME_OUT failures share one re-sync. */
  private generation = 0;

  constructor(private readonly fetchServerTime: () => Promise<number>) {}

  /** The server's time without waiting, once synced (the path nearly every call takes). */
  cached(): { timestamp: number; generation: number } | undefined {
    return this.delta === undefined ? undefined : { timestamp: localSeconds() + this.delta, generation: this.generation };
  }

  /** The server's current Unix time in seconds, syncing first if never synced. */
  async now(): Promise<{ timestamp: number; generation: number }> {
    if (this.delta === undefined) await this.sync();
    return { timestamp: localSeconds() + (this.delta as number), generation: this.generation };
  }

  /**
   * Re-syncs after the server refused a timestamp. A caller that signed with an older
   * generation than the current one just retries: someone else already re-synced.
   */
  async resync(seenGeneration: number): Promise<void> {
    if (seenGeneration !== this.generation) return;
    this.delta = undefined;
    await this.sync();
  }

  /** The delta in seconds (server minus local), or undefined before the first sync. */
  get offsetSeconds(): number | undefined {
    return this.delta;
  }

  private sync(): Promise<number> {
    if (!this.pending) {
      this.pending = this.fetchServerTime().then(
        (serverTime) => {
          this.delta = serverTime - localSeconds();
          this.generation++;
          this.pending = undefined;
          return this.delta;
        },
        (err: unknown) => {
          // A failed sync is not cached: the next call tries again.
          this.pending = undefined;
          throw err;
        },
      );
    }
    return this.pending;
  }
}

function localSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
