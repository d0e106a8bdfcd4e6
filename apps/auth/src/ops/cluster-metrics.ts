import cluster from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';

/**
 * /metrics of an auth app running as a cluster (AUTH_WORKERS > 1) answers for every worker, not
 * only the one the scrape happened to reach: the worker asks the primary over the cluster's IPC
 * channel, the primary gathers every worker's registry (prom-client's AggregatorRegistry: counters
 * and histograms summed, per-process gauges summed or kept per their aggregator) and answers the
 * Prometheus text.
 */
const COLLECT = 'idp:metrics:collect';
const COLLECTED = 'idp:metrics:collected';
const TIMEOUT_MS = 5000;

interface CollectReply {
  type: typeof COLLECTED;
  id: number;
  text?: string;
  error?: string;
}

/** In the primary: answer workers' requests for the cluster's metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id: number }) => {
    if (message?.type !== COLLECT) return;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: COLLECTED, id: message.id, text } satisfies CollectReply),
      (err: Error) => worker.isConnected() && worker.send({ type: COLLECTED, id: message.id, error: err.message } satisfies CollectReply),
    );
  });
}

let nextId = 0;
const pending = new Map<number, (reply: CollectReply) => void>();
let listening = false;

/** In a worker: lets the primary read this registry, so the cluster's totals include it. */
export function joinClusterMetrics(registry: Registry): void {
  if (!cluster.isWorker) return;
  AggregatorRegistry.setRegistries([registry]);
  // Constructed in a worker, it installs the listener that answers the primary's requests.
  new AggregatorRegistry();
}

/** The Prometheus text of the whole cluster, or of this process alone when it is no worker. */
export async function clusterMetrics(local: Registry): Promise<string> {
  if (!cluster.isWorker || !process.send) return local.metrics();
  if (!listening) {
    listening = true;
    process.on('message', (message: CollectReply) => {
      if (message?.type === COLLECTED) pending.get(message.id)?.(message);
    });
  }
  const id = nextId++;
  const reply = await new Promise<CollectReply>((resolve) => {
    const timer = setTimeout(() => resolve({ type: COLLECTED, id, error: 'the primary did not answer' }), TIMEOUT_MS);
    pending.set(id, (r) => {
      clearTimeout(timer);
      resolve(r);
    });
    process.send!({ type: COLLECT, id });
  });
  pending.delete(id);
  if (reply.text !== undefined) return reply.text;
  // Better this worker's figures than none; the comment says why they are partial.
  return `# cluster metrics unavailable (${reply.error}); this worker only\n${await local.metrics()}`;
}
