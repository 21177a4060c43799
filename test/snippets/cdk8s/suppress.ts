// packages/cdk8s/README.md, "Suppressions".
import { App, Chart } from 'cdk8s';
import { PodSecurity, SecureDeployment } from '@podguard/cdk8s';
const app = new App();
const web = new SecureDeployment(new Chart(app, 'shop'), 'web', { containers: [{ name: 'web', image: 'registry.example.com/cms:2' }] });
// ---- README ----
PodSecurity.suppress(web, [
  {
    rule: 'readOnlyRootFilesystem',
    reason: 'the CMS writes its cache next to the binary (JIRA-123)',
  },
]);
// ---- end ----
app.synth();
import { readFileSync } from 'node:fs';
if (!readFileSync('dist/shop.k8s.yaml', 'utf8').includes('podguard.dev/suppress')) throw new Error('expected the annotation');
