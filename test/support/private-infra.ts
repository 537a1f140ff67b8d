import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { Kafka, logLevel } from 'kafkajs';

import { TOPIC_SPECS } from '@app/contracts';
import { ensureTopics } from '@app/messaging';

import { ferretdbBinary } from './dedicated-mongo';
import { freePort } from './free-port';

const REPO_ROOT = resolve(__dirname, '..', '..');
const CLI = join(REPO_ROOT, 'scripts', 'infra', 'cli.mjs');
const execFileAsync = promisify(execFile);

/**
 * A Kafka broker and a FerretDB server of this run's own (free ports, a data dir under the OS temp dir),
 * driven through `scripts/infra/cli.mjs` like `npm run infra:*`, so the chaos run can SIGKILL them and
 * start them again on the same ports and data without touching the shared dev/CI servers — and so a journey
 * test sees only its own store's messages, as one deployment would (no other suite's backlog or consumers).
 * (ts-jest runs test files as CommonJS inside jest's VM, which cannot import the ES modules of
 * scripts/infra; a child process can.)
 */
export class PrivateInfra {
  private constructor(
    readonly dir: string,
    readonly kafkaPort: number,
    private readonly controllerPort: number,
    readonly mongoPort: number,
  ) {}

  get kafkaBrokers(): string[] {
    return [`127.0.0.1:${this.kafkaPort}`];
  }

  get mongoUri(): string {
    return `mongodb://127.0.0.1:${this.mongoPort}`;
  }

  static async start(): Promise<PrivateInfra> {
    const dir = mkdtempSync(join(tmpdir(), 'private-infra-'));
    const [kafkaPort, controllerPort, mongoPort] = [await freePort(), await freePort(), await freePort()];
    const infra = new PrivateInfra(dir, kafkaPort, controllerPort, mongoPort);
    try {
      await infra.reuseBuiltArtifacts();
      await infra.cli('up');
    } catch (err) {
      await infra.stop();
      throw err;
    }
    return infra;
  }

  /** Every topic of the catalogue, up front: consumer groups need topics to join on a new cluster. */
  async createTopics(): Promise<void> {
    const kafka = new Kafka({
      clientId: 'private-infra-setup',
      brokers: this.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    await ensureTopics(kafka, TOPIC_SPECS, { replicationFactor: 1 });
  }

  /**
   * Points KAFKA_BROKERS / MONGODB_URI of this process at these servers (helpers such as `integrationEnv()` read
   * them); returns a function that puts the previous values back.
   */
  useInThisProcess(): () => void {
    const saved = { KAFKA_BROKERS: process.env.KAFKA_BROKERS, MONGODB_URI: process.env.MONGODB_URI };
    process.env.KAFKA_BROKERS = this.kafkaBrokers.join(',');
    process.env.MONGODB_URI = this.mongoUri;
    return () => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    };
  }

  /** SIGKILL the broker (no controlled shutdown) and wait until its process is gone. */
  killKafka(): Promise<void> {
    return this.cli('kill', 'kafka');
  }

  /** SIGKILL the database server and wait until its process is gone. */
  killMongo(): Promise<void> {
    return this.cli('kill', 'mongodb');
  }

  /** Starts whatever is down again (same ports, same data dir); resolves once both answer. */
  async up(): Promise<void> {
    await this.cli('up');
  }

  /** Stops both servers (SIGTERM, then SIGKILL) and deletes the data dir. Never throws. */
  async stop(): Promise<void> {
    await this.cli('down').catch((err: unknown) => {
      process.stderr.write(`[chaos] infra down failed: ${String(err)}\n`);
    });
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Links the Kafka jars and the FerretDB binary of the repository's infra folder instead of fetching the jars
   * and building Go again for a throwaway dir (minutes on a cold cache; the servers are the same).
   */
  private async reuseBuiltArtifacts(): Promise<void> {
    const ferretdb = await ferretdbBinary();
    mkdirSync(join(this.dir, 'bin'), { recursive: true });
    symlinkSync(ferretdb, join(this.dir, 'bin', 'ferretdb'));
    // The jars beside that binary, when an earlier `infra:up` fetched them; otherwise `up` fetches its own.
    const jars = join(ferretdb, '..', '..', 'kafka', 'lib');
    if (existsSync(join(jars, '.complete'))) {
      mkdirSync(join(this.dir, 'kafka'), { recursive: true });
      symlinkSync(jars, join(this.dir, 'kafka', 'lib'));
    }
  }

  private async cli(...args: string[]): Promise<void> {
    try {
      await execFileAsync(process.execPath, [CLI, ...args], {
        cwd: REPO_ROOT,
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
        // Only what the CLI needs: never the caller's KAFKA_BROKERS / MONGODB_URI, always native servers.
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          JAVA_HOME: process.env.JAVA_HOME,
          INFRA_NATIVE: '1',
          INFRA_DIR: this.dir,
          INFRA_KAFKA_PORT: String(this.kafkaPort),
          INFRA_KAFKA_CONTROLLER_PORT: String(this.controllerPort),
          INFRA_MONGO_PORT: String(this.mongoPort),
        },
      });
    } catch (err) {
      const { stderr = '' } = err as { stderr?: string };
      throw new Error(`infra ${args.join(' ')} failed: ${String(err)}\n${stderr.slice(-3000)}`);
    }
  }
}
