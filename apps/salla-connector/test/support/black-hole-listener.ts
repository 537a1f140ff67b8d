import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

/**
 * A loopback port whose connections never open, as a host behind a partition looks: a child process listens
 * with a backlog of 1 and then never accepts again (its event loop is held), the few connections the kernel
 * queues are taken by fillers, and every further SYN is dropped.
 */
export class BlackHoleListener {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly fillers: Socket[],
  ) {}

  static async start(): Promise<BlackHoleListener> {
    const program = `
      const server = require('node:net').createServer();
      server.listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
        process.stdout.write(server.address().port + '\\n');
        const until = Date.now() + 300000;
        while (Date.now() < until) {} // never returns to the event loop: nothing is accepted
      });`;
    const child = spawn(process.execPath, ['-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    const port = Number(chunk.toString().trim());
    const fillers = Array.from({ length: 4 }, () => connect(port, '127.0.0.1').on('error', () => undefined));
    await new Promise((resolve) => setTimeout(resolve, 200));
    return new BlackHoleListener(port, child, fillers);
  }

  async close(): Promise<void> {
    for (const socket of this.fillers) socket.destroy();
    if (this.child.exitCode === null) {
      this.child.kill('SIGKILL');
      await once(this.child, 'exit');
    }
  }
}
