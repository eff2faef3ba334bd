import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rendererBuildNeed } from './renderer-build';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'patchbay-build-'));
  await mkdir(join(root, 'renderer', 'src'), { recursive: true });
  await mkdir(join(root, 'shared'), { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const at = async (path: string, seconds: number, text = 'x'): Promise<void> => {
  await writeFile(join(root, path), text);
  await utimes(join(root, path), seconds, seconds);
};

describe('rendererBuildNeed', () => {
  it('is impossible without a build and without a vite config', () => {
    expect(rendererBuildNeed(root)).toMatchObject({ build: 'impossible' });
  });

  it('builds when index.html is missing', async () => {
    await at('renderer/vite.config.ts', 1000);
    expect(rendererBuildNeed(root)).toEqual({ build: true, reason: 'out/renderer/index.html is missing' });
  });

  it('builds when a renderer or shared source is newer than the build, not for tests', async () => {
    await at('renderer/vite.config.ts', 1000);
    await mkdir(join(root, 'out', 'renderer'), { recursive: true });
    await at('out/renderer/index.html', 2000);
    await at('renderer/src/app.tsx', 1500);
    await at('shared/contract.ts', 1500);
    expect(rendererBuildNeed(root)).toEqual({ build: false });
    await at('renderer/src/app.test.tsx', 3000);
    expect(rendererBuildNeed(root)).toEqual({ build: false });
    await at('shared/contract.ts', 3000);
    expect(rendererBuildNeed(root)).toMatchObject({ build: true });
    await at('shared/contract.ts', 1500);
    await at('renderer/src/app.tsx', 3000);
    expect(rendererBuildNeed(root)).toMatchObject({ build: true });
  });

  it('serves an existing build as is when there is no config to rebuild it with', async () => {
    await mkdir(join(root, 'out', 'renderer'), { recursive: true });
    await at('out/renderer/index.html', 1);
    await at('renderer/src/app.tsx', 3000);
    expect(rendererBuildNeed(root)).toEqual({ build: false });
  });
});
