import { describe, expect, it } from 'vitest';
import { imageUserFor, normalizeImageReference } from './imageReference.js';

describe('normalizeImageReference', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['library/nginx', 'docker.io/library/nginx:latest'],
    ['docker.io/nginx', 'docker.io/library/nginx:latest'],
    ['index.docker.io/library/nginx:latest', 'docker.io/library/nginx:latest'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['registry.example/app:1.2', 'registry.example/app:1.2'],
    ['registry.example:5000/team/app', 'registry.example:5000/team/app:latest'],
    ['localhost/app', 'localhost/app:latest'],
    ['app@sha256:abc', 'docker.io/library/app@sha256:abc'],
    ['ghcr.io/o/app:1@sha256:abc', 'ghcr.io/o/app:1@sha256:abc'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeImageReference(input)).toBe(expected);
  });
});

describe('imageUserFor', () => {
  const users = {
    'registry.example/app:1.2': '1000:0',
    'docker.io/library/node:20': 'node',
    nginx: '',
    'ghcr.io/o/tool:*': '65532',
  };
  it.each([
    ['registry.example/app:1.2', '1000:0'],
    ['node:20', 'node'],
    ['library/node:20', 'node'],
    ['nginx:latest', ''],
    ['docker.io/library/nginx', ''],
    ['ghcr.io/o/tool:3', '65532'],
    ['ghcr.io/o/tool@sha256:abc', '65532'],
    ['ghcr.io/o/tool', '65532'],
  ])('finds %s', (image, expected) => {
    expect(imageUserFor(image, users)).toBe(expected);
  });

  it.each([
    ['registry.example/app:1.3'],
    ['node:22'],
    ['nginx:1.25'],
    ['ghcr.io/o/other:1'],
    [undefined],
    [''],
  ])('does not guess for %s', (image) => {
    expect(imageUserFor(image, users)).toBeUndefined();
  });

  it('prefers an exact key over a normalised one and a normalised one over a repository wildcard', () => {
    expect(imageUserFor('nginx', { 'docker.io/library/nginx:latest': '1', nginx: '2' })).toBe('2');
    expect(imageUserFor('nginx', { 'nginx:*': '1', 'nginx:latest': '2' })).toBe('2');
  });
});

describe('imageUserFor on a changing object', () => {
  it('sees changed values and added keys', () => {
    const users: Record<string, string> = { 'nginx:1': '1000' };
    expect(imageUserFor('docker.io/library/nginx:1', users)).toBe('1000');
    users['nginx:1'] = '0';
    expect(imageUserFor('docker.io/library/nginx:1', users)).toBe('0');
    users['node:20'] = 'node';
    expect(imageUserFor('docker.io/library/node:20', users)).toBe('node');
  });
});
