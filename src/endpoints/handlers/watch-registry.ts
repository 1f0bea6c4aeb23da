/** The open watch streams, so that a shutdown can end each one cleanly instead of cutting it. */

export interface OpenWatch {
  /** Ends the stream: the client sees a normal end of response and re-watches elsewhere. */
  end(): void;
}

export class WatchRegistry {
  private readonly open = new Set<OpenWatch>();

  add(w: OpenWatch): () => void {
    this.open.add(w);
    return () => this.open.delete(w);
  }

  get size(): number {
    return this.open.size;
  }

  endAll(): void {
    for (const w of [...this.open]) w.end();
  }
}
