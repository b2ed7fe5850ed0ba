// Owns serving /assets: the style sheet and the small enhancement script, read once at start,
// versioned by content hash so browsers may cache them long. Must not serve any other file.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { AlphaMailError } from '../../base/index.js';
import type { AssetUrls } from '../views/layout.js';

/** A versioned asset never changes, so browsers keep it for a year. */
const assetMaxAgeSeconds = 31_536_000;

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly version: string;
}

const assetFiles: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
};

/**
 * tsc compiles only TypeScript, so the assets stay in src/web/assets: next to this folder when
 * run from source, four levels up from dist/src/web/routes when run compiled.
 */
function assetsDir(): string {
  const candidates = [
    new URL('../assets/', import.meta.url),
    new URL('../../../../src/web/assets/', import.meta.url),
  ];
  for (const url of candidates) {
    const dir = fileURLToPath(url);
    if (existsSync(`${dir}app.css`)) return dir;
  }
  throw new AlphaMailError('AM_INTERNAL', 'web assets (app.css, app.js) not found');
}

export interface AssetBundle {
  readonly urls: AssetUrls;
  readonly files: ReadonlyMap<string, Asset>;
}

export function loadAssets(): AssetBundle {
  const dir = assetsDir();
  const files = new Map<string, Asset>();
  for (const [name, type] of Object.entries(assetFiles)) {
    const body = readFileSync(dir + name);
    const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
    files.set(name, { body, type, version });
  }
  const url = (name: string): string => `/assets/${name}?v=${files.get(name)?.version ?? ''}`;
  return { urls: { css: url('app.css'), js: url('app.js') }, files };
}

export function registerAssetRoutes(app: FastifyInstance, bundle: AssetBundle): void {
  app.get('/assets/:name', async (request, reply) => {
    const name = (request.params as { name?: unknown }).name;
    const asset = typeof name === 'string' ? bundle.files.get(name) : undefined;
    if (!asset) throw new AlphaMailError('AM_NOT_FOUND', 'no such asset');
    return reply
      .header('cache-control', `public, max-age=${assetMaxAgeSeconds}, immutable`)
      .type(asset.type)
      .send(asset.body);
  });
}
