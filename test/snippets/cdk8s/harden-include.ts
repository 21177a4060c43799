// packages/cdk8s/README.md, "Harden what you do not own". The block reads vendor/podinfo.yaml from
// the working directory, as `cdk8s synth` does: this copies the example's into place first.
import { copyFileSync, mkdirSync } from 'node:fs';
mkdirSync('vendor', { recursive: true });
copyFileSync(new URL('../../../examples/cdk8s-app/vendor/podinfo.yaml', import.meta.url), 'vendor/podinfo.yaml');
import { App, Chart } from 'cdk8s';
import { PodSecurity } from '@podguard/cdk8s';
const app = new App();
// ---- README ----
import { Include } from 'cdk8s';

const vendor = new Chart(app, 'vendor');
new Include(vendor, 'podinfo', { url: 'vendor/podinfo.yaml' });
PodSecurity.of(vendor).harden(); // same options as validate(): profile, defaultUser, defaultGroup...
// ---- end ----
app.synth();
if (PodSecurity.of(vendor).changes.length === 0) throw new Error('expected hardening changes');
