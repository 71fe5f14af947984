import { StartupError } from '../platform/startup-error.js';
import { startSandbox, type RunningSandbox } from './index.js';

/** The simulators on SANDBOX_PORT (0: any free port); a port in use is a start-up error that says what to do. */
export async function startEmbeddedSandbox(port: number): Promise<RunningSandbox> {
  try {
    return await startSandbox({ port });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      throw new StartupError(
        `SANDBOX_PORT ${port} is already in use (another Banyan process or \`banyan sandbox\` serves it?): ` +
          `point this process at that wallet with WALLET_URL=http://127.0.0.1:${port}, or pick another SANDBOX_PORT`,
      );
    }
    throw error;
  }
}
