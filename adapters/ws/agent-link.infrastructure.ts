import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BlobStore } from '../../application/ports/blob-store.port';
import type { Geolocation } from '../../application/ports/geolocation.port';
import type { PresenceStore } from '../../application/ports/presence.port';
import { FileBlobStore } from '../blobs/file-blob-store.adapter';
import { GeoipLiteGeolocation } from '../geoip/geoip-lite.adapter';
import { MemoryPresenceStore } from '../presence/memory-presence-store.adapter';
import { DEFAULT_AGENT_LINK, type AgentLinkConfig } from './agent-link.config';

/** Directory of the embedded blob store inside DATA_DIR. */
export const BLOBS_DIR = 'blobs';

/** What the agent link runs on: presence (memory or Redis), blobs (files or GridFS), geolocation, this node's id. */
export interface AgentLinkInfrastructure {
  readonly config: AgentLinkConfig;
  readonly nodeId: string;
  readonly presence: PresenceStore;
  readonly presenceAdapter: 'memory' | 'redis';
  readonly blobs: BlobStore;
  readonly blobsAdapter: 'files' | 'gridfs';
  readonly geolocation: Geolocation;
  /** PUBLIC_URL: where agents reach this server over HTTP; unset: the Host they connected to. */
  readonly publicUrl?: string;
  close(): Promise<void>;
}

export interface AgentLinkOverrides {
  readonly presence?: PresenceStore;
  readonly geolocation?: Geolocation;
  readonly blobs?: BlobStore;
}

interface StoresConfig {
  readonly dataDir: string;
  readonly redisUrl?: string;
  readonly mongo?: { readonly url: string; readonly db: string };
  readonly agentLink?: AgentLinkConfig;
  readonly publicUrl?: string;
}

/** A node id that differs between two processes on one host and between restarts. */
export const generatedNodeId = (): string => `${os.hostname().replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 40)}-${process.pid}-${randomBytes(3).toString('hex')}`;

/**
 * Opens the agent link's stores as the configuration names them: Redis presence when REDIS_URL is
 * set (shared by every node), GridFS blobs when MONGO_URL is set, files under DATA_DIR/blobs otherwise.
 * Drivers are loaded on demand, as for the event and read stores.
 */
export async function openAgentLinkInfrastructure(config: StoresConfig, overrides: AgentLinkOverrides = {}): Promise<AgentLinkInfrastructure> {
  const link = config.agentLink ?? DEFAULT_AGENT_LINK;
  const opened: { close(): Promise<void> }[] = [];
  try {
    let presence = overrides.presence;
    let presenceAdapter: AgentLinkInfrastructure['presenceAdapter'] = overrides.presence instanceof MemoryPresenceStore ? 'memory' : 'redis';
    if (!presence) {
      if (config.redisUrl) {
        const { RedisPresenceStore } = await import('../presence/redis-presence-store.adapter');
        presence = await RedisPresenceStore.connect(config.redisUrl, link.presencePrefix ? { prefix: link.presencePrefix } : {});
        presenceAdapter = 'redis';
      } else {
        presence = new MemoryPresenceStore();
        presenceAdapter = 'memory';
      }
      opened.push(presence);
    }
    let blobs = overrides.blobs;
    let blobsAdapter: AgentLinkInfrastructure['blobsAdapter'] = 'files';
    if (!blobs) {
      if (config.mongo) {
        const { GridFsBlobStore } = await import('../blobs/gridfs-blob-store.adapter');
        blobs = await GridFsBlobStore.connect(config.mongo.url, config.mongo.db);
        blobsAdapter = 'gridfs';
      } else {
        blobs = await FileBlobStore.open(path.join(config.dataDir, BLOBS_DIR));
      }
      opened.push(blobs);
    }
    const owned = [...opened];
    return {
      config: link,
      nodeId: link.nodeId ?? generatedNodeId(),
      presence,
      presenceAdapter,
      blobs,
      blobsAdapter,
      geolocation: overrides.geolocation ?? new GeoipLiteGeolocation(),
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      async close() {
        const results = await Promise.allSettled(owned.map((store) => store.close()));
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      },
    };
  } catch (error) {
    await Promise.allSettled(opened.map((store) => store.close()));
    throw error;
  }
}
