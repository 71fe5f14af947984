import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { InProcessBus, type EventBus } from './bus.js';

/** NATS JetStream when NATS_URL is set, the in-process dispatcher otherwise. */
export async function createEventBus(config: Config, logger: Logger, name = 'banyan'): Promise<EventBus> {
  if (!config.natsUrl) {
    return new InProcessBus((err, event) => logger.warn({ err, topic: event.topic, eventId: event.id }, 'event handler failed; will redeliver'));
  }
  const { connectNatsBus } = await import('./nats-bus.js');
  const bus = await connectNatsBus({
    url: config.natsUrl,
    stream: config.nats.stream,
    subjectPrefix: config.nats.subjectPrefix,
    name,
    onError: (err, context) => logger.warn({ err }, context),
  });
  void (async () => {
    for await (const s of bus.connection.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect') logger.warn({ nats: s.type, server: String(s.data) }, `nats ${s.type}`);
    }
  })();
  return bus;
}
