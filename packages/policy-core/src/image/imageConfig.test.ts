import { describe, expect, it } from 'vitest';
import { PodguardInputError } from '../model/errors.js';
import { imageUsersFromImageConfig } from './imageConfig.js';

describe('imageUsersFromImageConfig', () => {
  it('reads docker inspect output: every tag and digest maps to Config.User', () => {
    const inspect = [
      {
        Id: 'sha256:1',
        RepoTags: ['node:20', 'node:lts'],
        RepoDigests: ['node@sha256:abc'],
        Config: { User: 'node', Env: [] },
      },
      { Id: 'sha256:2', RepoTags: ['nginx:1.25'], RepoDigests: [], Config: { User: '' } },
      { Id: 'sha256:3', RepoTags: ['busybox:1'], Config: {} },
    ];
    expect(imageUsersFromImageConfig(inspect)).toEqual({
      'node:20': 'node',
      'node:lts': 'node',
      'node@sha256:abc': 'node',
      'nginx:1.25': '',
      'busybox:1': '',
    });
  });

  it('reads one docker inspect entry', () => {
    expect(imageUsersFromImageConfig({ RepoTags: ['app:1'], Config: { User: '1000:0' } })).toEqual({
      'app:1': '1000:0',
    });
  });

  it('reads an OCI image config for the reference it belongs to', () => {
    const config = { architecture: 'amd64', os: 'linux', config: { User: '65532:65532' }, rootfs: {} };
    expect(imageUsersFromImageConfig(config, 'gcr.io/distroless/static:nonroot')).toEqual({
      'gcr.io/distroless/static:nonroot': '65532:65532',
    });
    expect(imageUsersFromImageConfig({ architecture: 'amd64', config: {} }, 'scratch-app:1')).toEqual({
      'scratch-app:1': '',
    });
  });

  it.each([
    [{ architecture: 'amd64', config: { User: 'x' } }, undefined, /does not name its image/],
    [[{ Config: { User: 'x' } }], undefined, /\[0\] has no RepoTags or RepoDigests/],
    [
      [{ RepoTags: ['a:1'], Config: { User: 1000 } }],
      undefined,
      /\[0\]\.Config\.User must be a string, got a number \(1000\)/,
    ],
    [[{ RepoTags: 'a:1', Config: {} }], undefined, /\[0\]\.RepoTags must be an array of strings/],
    [['a'], undefined, /\[0\] must be an object/],
    ['text', undefined, /expected docker inspect output or an OCI image config, got a string/],
    [{ hello: 1 }, undefined, /expected docker inspect output/],
  ])('rejects %j with a clear error', (json, reference, message) => {
    expect(() => imageUsersFromImageConfig(json, reference)).toThrow(PodguardInputError);
    expect(() => imageUsersFromImageConfig(json, reference)).toThrow(message);
  });
});
