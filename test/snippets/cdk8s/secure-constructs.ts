// packages/cdk8s/README.md, "Secure constructs": the quick start, as printed.
// ---- README ----
import { App, Chart } from 'cdk8s';
import { SecureDeployment } from '@podguard/cdk8s';

const app = new App();
const chart = new Chart(app, 'shop');

const web = new SecureDeployment(chart, 'web', {
  containers: [{ name: 'web', image: 'registry.example.com/shop/web:1.4.2', portNumber: 8080 }],
});
web.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });

app.synth();
// ---- end ----
import { readFileSync } from 'node:fs';
if (!readFileSync('dist/shop.k8s.yaml', 'utf8').includes('runAsUser: 1000')) throw new Error('expected runAsUser: 1000');
