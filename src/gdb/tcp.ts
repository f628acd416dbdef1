/**
 * The TCP transport of the GDB stub (Node only): one listening socket, one debugger at a time, each
 * connection an RspSession on the machine's MachineTarget.
 *
 * - A connection attaches (the core halts); closing it without `detach` detaches too (points removed,
 *   the core runs on), as OpenOCD does when GDB goes away.
 * - A second connection while one is open is closed at once, with a line on stderr.
 * - At RDP level 2 the debug port is disabled: the connection gets `E.<why>` as the answer to its
 *   first packet and is closed; the reason is printed on stderr.
 * - Every reply passes the output barrier first (src/host/output-barrier.ts): flash operations done
 *   for it (vFlashDone, a store the program made) are durable before GDB hears of them.
 */
import * as net from 'node:net';
import { UserError } from '../errors.js';
import { beforeOutput, catchHostFailure } from '../host/output-barrier.js';
import { RspSession, frame } from './rsp.js';
import type { MachineTarget } from './target.js';

export interface GdbTcpOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** Lines the user must see (refusals). */
  readonly notice: (line: string) => void;
  /** Routine protocol events (--log gdb). */
  readonly log: (line: string) => void;
}

export class GdbTcpServer {
  private socket: net.Socket | null = null;
  private session: RspSession | null = null;

  private constructor(
    private readonly server: net.Server,
    private readonly target: MachineTarget,
    private readonly options: GdbTcpOptions,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Listens on host:port; a port in use or a bad host is a UserError. */
  static listen(target: MachineTarget, options: GdbTcpOptions): Promise<GdbTcpServer> {
    const server = net.createServer();
    return new Promise((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        const why = e.code === 'EADDRINUSE' ? 'is in use' : e.code === 'EACCES' ? 'needs privileges' : `cannot be listened on (${e.code ?? e.message})`;
        reject(new UserError(`--gdb: ${options.host}:${options.port} ${why}`));
      });
      server.listen(options.port, options.host, () => resolve(new GdbTcpServer(server, target, options)));
    });
  }

  /** The address actually listened on (the port chosen when 0 was asked). */
  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  /** Tells the connected debugger the program exited with `code`. */
  exited(code: number): void {
    this.session?.exited(code);
  }

  /** Stops listening and closes the connection. */
  close(): Promise<void> {
    this.socket?.end();
    this.socket?.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    if (this.socket) {
      this.options.notice(`gdb: refused a connection from ${peer}: a debugger is already connected`);
      socket.destroy();
      return;
    }
    const refusal = this.target.attach();
    if (refusal !== null) return this.refuse(socket, peer, refusal);
    this.options.log(`debugger connected from ${peer}`);
    this.socket = socket;
    const session = new RspSession(this.target, {
      send: (bytes) => {
        beforeOutput();
        if (!socket.destroyed) socket.write(bytes);
      },
      log: (message, notice) => (notice ? this.options.notice(`gdb: ${message}`) : this.options.log(message)),
    });
    this.session = session;
    socket.on('data', catchHostFailure((chunk: Buffer) => session.receive(chunk))); // a failed output barrier ends the run, not the process
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.session = null;
      if (this.target.attached) this.target.detach();
      this.options.log(`debugger at ${peer} disconnected`);
    });
  }

  /** Answers the first packet with `E.<why>` and closes (GDB prints the text). */
  private refuse(socket: net.Socket, peer: string, why: string): void {
    this.options.notice(`gdb: refused the connection from ${peer}: ${why}`);
    let seen = '';
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (!/\$[^#]*#[0-9a-fA-F]{2}/.test(seen)) return;
      socket.write(Buffer.from('+'));
      socket.end(frame(`E.${why.replace(/[^\x20-\x7e]|[#$}*]/g, '')}`)); // GDB shows ASCII only
    });
    setTimeout(() => socket.destroy(), 5000).unref();
  }
}
