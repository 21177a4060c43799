// packages/cdk8s/README.md, "Props": the README blocks continue the quick start's `chart` and `web`.
import { App, Chart } from 'cdk8s';
import { SecureDeployment } from '@podguard/cdk8s';
const app = new App();
const chart = new Chart(app, 'shop');
const web = new SecureDeployment(chart, 'web', {
  containers: [{ name: 'web', image: 'registry.example.com/shop/web:1.4.2', portNumber: 8080 }],
});
// ---- README ----
import { Cron } from 'cdk8s';
import { SecureCronJob, SecureJob } from '@podguard/cdk8s';

new SecureJob(chart, 'migrate', {
  user: 10001,
  group: 10001,
  containers: [{ image: 'registry.example.com/shop/web:1.4.2', command: ['node', 'dist/migrate.js'] }],
});

new SecureCronJob(chart, 'report', {
  profile: 'openshift',
  schedule: Cron.daily(),
  containers: [{ image: 'registry.example.com/shop/web:1.4.2', command: ['node', 'dist/report.js'] }],
});

const proxy = new SecureDeployment(chart, 'proxy', {
  containers: [{ name: 'nginx', image: 'nginxinc/nginx-unprivileged:1.27' }],
});
proxy.addCapability('NET_BIND_SERVICE', { container: 'nginx' }); // every container when omitted
// ---- README ----
import { ApiObject, JsonPatch } from 'cdk8s';

ApiObject.of(web).addJsonPatch(JsonPatch.replace('/spec/template/spec/securityContext/runAsUser', 5000));
// ---- end ----
app.synth();
import { readFileSync } from 'node:fs';
if (!readFileSync('dist/shop.k8s.yaml', 'utf8').includes('runAsUser: 5000')) throw new Error('expected runAsUser: 5000');
