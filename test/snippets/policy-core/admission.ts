// docs/admission.md, "From code".
// ---- README ----
import { toAdmissionPolicies } from '@podguard/policy-core';

const { objects, notEnforced } = toAdmissionPolicies(
  { profile: 'hardened', denyUids: [65534, 65535, 1001] }, // the options evaluate() takes
  { name: 'podguard', exemptNamespaces: ['kube-system'] },
);
for (const rule of notEnforced) console.log(`${rule.rule}: ${rule.reason}`);
console.log(objects.map((object) => `${object.kind}/${object.metadata.name}`).join('\n'));
// ---- end ----
if (objects.length !== 16) throw new Error(`expected 16 objects, got ${objects.length}`);
