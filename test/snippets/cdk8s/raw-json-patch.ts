// packages/cdk8s/README.md, "What cdk8s-plus-27 cannot express".
import { App, Chart } from 'cdk8s';
import { SecureDeployment } from '@podguard/cdk8s';
const app = new App();
const chart = new Chart(app, 'shop');
const web = new SecureDeployment(chart, 'web', { containers: [{ name: 'web', image: 'registry.example.com/shop/web:1.4.2' }] });
// ---- README ----
import { JsonPatch } from 'cdk8s';
import { addRawJsonPatch } from '@podguard/cdk8s';

addRawJsonPatch(
  web,
  JsonPatch.add('/spec/template/spec/containers/0/securityContext/appArmorProfile', {
    type: 'RuntimeDefault',
  }),
);
// ---- end ----
app.synth();
import { readFileSync } from 'node:fs';
if (!readFileSync('dist/shop.k8s.yaml', 'utf8').includes('appArmorProfile')) throw new Error('expected appArmorProfile');
