// docs/admission.md, "Install with cdk8s".
import { App, Chart } from 'cdk8s';
// ---- README ----
import { PodguardAdmissionPolicy } from '@podguard/cdk8s';

const app = new App();
const cluster = new Chart(app, 'cluster-policy');
new PodguardAdmissionPolicy(cluster, 'podguard', {
  options: { profile: 'hardened', uidRange: { min: 10000, max: 65533 } }, // as in podguard.config.yaml
  exemptNamespaces: ['kube-system'],
});
app.synth(); // dist/cluster-policy.k8s.yaml: the policies and their bindings
// ---- end ----
const kinds = cluster.node.findAll().flatMap((construct) => ('kind' in construct ? [String(construct.kind)] : []));
if (!kinds.includes('ValidatingAdmissionPolicyBinding')) throw new Error('expected bindings in the chart');
