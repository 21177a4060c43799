// Charts for the README's vitest block (test/snippets/cdk8s/matchers.test.ts): a secure one and one
// whose image says `USER node` (the kubelet refuses it with runAsNonRoot).
import { Chart } from 'cdk8s';
import { Deployment } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { SecureDeployment } from '@podguard/cdk8s';

export class ShopChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new SecureDeployment(this, 'web', { containers: [{ name: 'web', image: 'registry.example.com/shop/web:1.4.2' }] });
  }
}

export class LegacyChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new Deployment(this, 'legacy-worker', {
      containers: [{ name: 'worker', image: 'registry.example.com/legacy-worker:3.1.0' }],
    });
  }
}
