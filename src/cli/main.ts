#!/usr/bin/env node
/**
 * The `banyan` command. Each sub-command lives in its own module and is loaded on demand, so
 * `banyan expr` does not pay for the HTTP server's start-up.
 */
interface Command {
  readonly summary: string;
  /** Printed for `banyan <command> --help` (or -h) without loading the command. */
  readonly usage: string;
  load(): Promise<{ run(argv: string[]): Promise<number> }>;
}

const commands: Record<string, Command> = {
  serve: {
    summary: 'start the service (--role all|api|worker|scheduler)',
    usage: [
      'usage: banyan serve [--port N] [--host H] [--role all|api|worker|scheduler]',
      '',
      'Start the service; SIGTERM/SIGINT drain and close it.',
      '  --port N     listen on N (default PORT, 8080); worker and scheduler serve HTTP (health and metrics only) only with --port',
      '  --host H     listen address (default HOST, 0.0.0.0)',
      '  --role R     all (default): API + reward worker + scheduler; api: the HTTP API; worker: pays rewards',
      '               and consumes events; scheduler: audit retention and partitions',
      '',
      'Configuration comes from the environment (DATABASE_URL, NATS_URL, WALLET_URL, SANDBOX_PORT,',
      'HTTP_WORKERS, REWARD_LEASE_MS …; see the README).',
    ].join('\n'),
    load: () => import('./serve.js'),
  },
  migrate: {
    summary: 'apply database migrations and exit',
    usage: 'usage: banyan migrate\n\nApply pending migrations to DATABASE_URL (or DATA_DIR/banyan.db) and exit.',
    load: () => import('./migrate.js'),
  },
  seed: {
    summary: 'load the demo data (idempotent)',
    usage: 'usage: banyan seed\n\nLoad the demo decision trees and rules; what exists is kept.',
    load: () => import('./seed.js'),
  },
  expr: {
    summary: 'evaluate expressions from JSON lines on stdin (--lang spel|jsonlogic, --template)',
    usage: [
      'usage: banyan expr [--lang spel|jsonlogic] [--template] [--now ISO-8601] < lines.jsonl',
      '  --template   SpEL template mode: literal text with #{…} parts',
      '',
      'Each input line {"expr", "root", "variables"?} is answered by {"ok":true,"value":…} or',
      '{"ok":false,"error":CODE,"message":…}.',
    ].join('\n'),
    load: () => import('./expr.js'),
  },
  tree: {
    summary: 'tree eval --tree tree.json: evaluate customers (JSON lines) against a tree',
    usage: 'usage: banyan tree eval --tree tree.json [--now ISO-8601] [--steps] < customers.jsonl',
    load: () => import('./tree.js'),
  },
  audit: {
    summary: 'audit retention | verify: run the audit retention job once, or check the hash chain',
    usage: [
      'usage: banyan audit retention | verify',
      '  retention  apply the retention periods once (drop/delete expired audit data, create upcoming partitions)',
      '  verify     recompute the audit trail hash chain (exit 1 if broken)',
    ].join('\n'),
    load: () => import('./audit.js'),
  },
  secrets: {
    summary: 'secrets reencrypt: re-encrypt stored secrets under BANYAN_SECRET_KEY (key rotation)',
    usage: [
      'usage: banyan secrets reencrypt',
      '',
      'Re-encrypt every stored secret under BANYAN_SECRET_KEY: plain rows from before encryption and',
      'rows under a key listed in BANYAN_SECRET_KEY_PREVIOUS. Run it (or start the service once) before',
      'removing a previous key.',
    ].join('\n'),
    load: () => import('./secrets.js'),
  },
  sandbox: {
    summary: 'serve the credit bureau, AML and wallet simulators on localhost',
    usage: [
      'usage: banyan sandbox [--port 8090] [--host 127.0.0.1] [--latency-ms N] [--jitter-ms N]',
      '                      [--failure-rate R] [--mode ok|fail|slow|timeout] [--seed N]',
      '',
      'Environment (overridden by flags): SANDBOX_LATENCY_MS, SANDBOX_JITTER_MS, SANDBOX_FAILURE_RATE,',
      'SANDBOX_MODE, SANDBOX_SEED.',
    ].join('\n'),
    load: () => import('./sandbox.js'),
  },
};

const HELP = new Set(['--help', '-h']);

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: banyan <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nbanyan <command> --help shows a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] !== undefined && commands[rest[0]]) {
    process.stdout.write(`${commands[rest[0]]?.usage ?? ''}\n`);
    return 0;
  }
  if (!name || HELP.has(name) || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`banyan: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  // Options end at `--`; a --help before it wins over everything else on the line.
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (options.some((a) => HELP.has(a))) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`banyan: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
