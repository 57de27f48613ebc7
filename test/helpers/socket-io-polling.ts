/**
 * A socket.io client in plain HTTP requests (engine.io 4 long-polling), as a script with no browser
 * and no library speaks to Dashboard 2.0's socket: every request is visible, its headers chosen.
 * Packets: engine.io's type (0 open, 2 ping, 3 pong, 4 message) then socket.io's (0 connect,
 * 2 event, 4 connect error), several in one body separated by \x1e.
 */
const SEPARATOR = '\x1e';

export interface SocketEvent {
  name: string;
  args: unknown[];
}

export class PollingSocket {
  /** Every packet received, in order. */
  readonly received: string[] = [];

  private constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
  ) {}

  /** Opens an engine.io session (no socket.io namespace yet): `path` is the socket's, e.g. /dashboard/socket.io/. */
  static async open(base: string, path: string, headers: Record<string, string> = {}): Promise<PollingSocket> {
    const res = await fetch(`${base}${path}?EIO=4&transport=polling`, { headers });
    const text = await res.text();
    if (res.status !== 200 || !text.startsWith('0')) throw new Error(`no engine.io session: ${res.status} ${text.slice(0, 200)}`);
    const { sid } = JSON.parse(text.slice(1)) as { sid: string };
    return new PollingSocket(`${base}${path}?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`, headers);
  }

  /** Sends packets in one POST; answers its HTTP status. */
  async send(...packets: string[]): Promise<number> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { ...this.headers, 'content-type': 'text/plain;charset=UTF-8' },
      body: packets.join(SEPARATOR),
    });
    await res.text();
    return res.status;
  }

  /** Emits a socket.io event on the main namespace. */
  emit(name: string, ...args: unknown[]): Promise<number> {
    return this.send(`42${JSON.stringify([name, ...args])}`);
  }

  /**
   * One long-poll: the packets the server has, pings answered. Ends after `ms` at the latest
   * (an aborted poll ends the session on the server's side: use it last). Answers [] when the
   * session is closed or was refused.
   */
  async poll(ms: number): Promise<string[]> {
    let text: string;
    try {
      const res = await fetch(this.url, { headers: this.headers, signal: AbortSignal.timeout(ms) });
      text = await res.text();
      if (res.status !== 200) return [];
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') return [];
      throw err;
    }
    const packets = text.split(SEPARATOR);
    this.received.push(...packets);
    if (packets.includes('2')) await this.send('3');
    return packets;
  }

  /** Asks to join the main namespace: the server's middleware answers connected, or refused with its message. */
  async connect(ms = 10_000): Promise<{ connected: boolean; message?: string }> {
    await this.send('40');
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const packets = await this.poll(deadline - Date.now());
      for (const p of packets) {
        if (p.startsWith('40')) return { connected: true };
        if (p.startsWith('44')) return { connected: false, message: (JSON.parse(p.slice(2)) as { message: string }).message };
        if (p.startsWith('1')) return { connected: false, message: 'closed' };
      }
      if (packets.length === 0) return { connected: false, message: 'no answer' };
    }
    return { connected: false, message: 'no answer' };
  }

  /** The events received so far. */
  events(): SocketEvent[] {
    return this.received
      .filter((p) => p.startsWith('42'))
      .map((p) => {
        const [name, ...args] = JSON.parse(p.slice(2)) as [string, ...unknown[]];
        return { name, args };
      });
  }

  /** Polls until an event matching `test` has come (answers it), or `ms` have passed (answers undefined). */
  async waitFor(test: (event: SocketEvent) => boolean, ms = 10_000): Promise<SocketEvent | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events().find(test);
      if (found || Date.now() >= deadline) return found;
      if ((await this.poll(deadline - Date.now())).length === 0) return this.events().find(test);
    }
  }
}
