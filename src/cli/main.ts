#!/usr/bin/env node
/**
 * The `banyan` command. Each sub-command lives in its own module and is loaded on demand, so
 * `banyan expr` does not pay for the HTTP server's start-up.
 */
const commands: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  serve: { summary: 'start the service (--role all|api|worker|scheduler)', load: () => import('./serve.js') },
  migrate: { summary: 'apply database migrations and exit', load: () => import('./migrate.js') },
  seed: { summary: 'load the demo data (idempotent)', load: () => import('./seed.js') },
  expr: { summary: 'evaluate expressions from JSON lines on stdin (--lang spel|jsonlogic, --template)', load: () => import('./expr.js') },
  tree: { summary: 'tree eval --tree tree.json: evaluate customers (JSON lines) against a tree', load: () => import('./tree.js') },
  audit: { summary: 'audit retention | verify: run the audit retention job once, or check the hash chain', load: () => import('./audit.js') },
  secrets: { summary: 'secrets reencrypt: re-encrypt stored secrets under BANYAN_SECRET_KEY (key rotation)', load: () => import('./secrets.js') },
  sandbox: { summary: 'serve the credit bureau, AML and wallet simulators on localhost', load: () => import('./sandbox.js') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: banyan <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`banyan: unknown command '${name}'\n\n${usage()}`);
    return 2;
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
