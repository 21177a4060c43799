/**
 * The shop: a web Deployment behind a Service, a database migration Job, a nightly report
 * CronJob, and podinfo included from its upstream YAML (hardened at synth, since we do not own it).
 */
import { fileURLToPath } from 'node:url';
import { PodSecurity, SecureCronJob, SecureDeployment, SecureJob } from '@podguard/cdk8s';
import { App, Chart, Cron, Duration, Include } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';

/** The image of the shop's web app and its tools; its Dockerfile ends with `USER 10001`. */
export const SHOP_IMAGE = 'registry.example.com/shop/web:1.4.2';
/** A legacy worker image whose Dockerfile says `USER node`: the kubelet cannot verify it is non-root. */
export const LEGACY_IMAGE = 'registry.example.com/shop/legacy-worker:3.1.0';

/** The shop's own workloads, built with podguard's secure constructs. */
export class ShopChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'shop' });

    const web = new SecureDeployment(this, 'web', {
      replicas: 3,
      containers: [
        {
          name: 'web',
          image: SHOP_IMAGE,
          portNumber: 8080,
          envVariables: { NODE_ENV: kplus.EnvValue.fromValue('production') },
        },
      ],
    });
    web.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080 }] });

    new SecureJob(this, 'migrate', {
      backoffLimit: 2,
      containers: [{ name: 'migrate', image: SHOP_IMAGE, command: ['node', 'dist/migrate.js'] }],
    });

    new SecureCronJob(this, 'nightly-report', {
      schedule: Cron.daily(),
      startingDeadline: Duration.minutes(5),
      containers: [{ name: 'report', image: SHOP_IMAGE, command: ['node', 'dist/report.js'] }],
    });
  }
}

/** podinfo's upstream Deployment and Service, unmodified. */
export const PODINFO_YAML = fileURLToPath(new URL('./vendor/podinfo.yaml', import.meta.url));

/** Third-party YAML we include as it is published, and harden at synth. */
export class VendorChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'shop' });
    new Include(this, 'podinfo', { url: PODINFO_YAML });
    PodSecurity.of(this).harden();
  }
}

/**
 * Workloads written the way they often are: a kplus Deployment trusting its image's `USER node`
 * (kplus sets runAsNonRoot but no runAsUser), and a debugging pod that runs as root.
 */
export class InsecureChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'shop' });
    new kplus.Deployment(this, 'legacy-worker', {
      containers: [{ name: 'worker', image: LEGACY_IMAGE }],
    });
    new kplus.Pod(this, 'debug', {
      securityContext: { ensureNonRoot: false },
      containers: [
        {
          name: 'shell',
          image: 'registry.example.com/tools/debug:2024.1',
          securityContext: { ensureNonRoot: false, user: 0, readOnlyRootFilesystem: false },
        },
      ],
    });
  }
}

/** The app; `insecure` adds {@link InsecureChart}. */
export function buildApp(options: { insecure?: boolean; outdir?: string } = {}): App {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  new ShopChart(app, 'shop');
  new VendorChart(app, 'vendor');
  if (options.insecure) new InsecureChart(app, 'insecure');
  return app;
}
