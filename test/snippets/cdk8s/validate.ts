// packages/cdk8s/README.md, "Validate a whole app or chart at synth".
import { App, Chart } from 'cdk8s';
import { SecureDeployment } from '@podguard/cdk8s';
const app = new App();
new SecureDeployment(new Chart(app, 'shop'), 'web', { containers: [{ name: 'web', image: 'registry.example.com/shop/web:1.4.2' }] });
// ---- README ----
import { PodSecurity } from '@podguard/cdk8s';

PodSecurity.of(app).validate({
  profile: 'hardened', // or 'restricted', 'baseline', 'openshift', or a profile object
  version: 'v1.30', // policy version, default 'latest'
  imageUsers: { 'registry.example.com/legacy-worker:3.1.0': 'node' }, // docker inspect's Config.User
});
app.synth();
// ---- end ----
if (PodSecurity.of(app).report?.objects.length !== 1) throw new Error('expected one object in the report');
