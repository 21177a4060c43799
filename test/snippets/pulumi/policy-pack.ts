// packages/pulumi/README.md, "Composing your own pack". Type-checked only: `pulumi preview` starts a
// pack with the engine's address, which a test without the Pulumi CLI does not have.
import type { ResourceValidationPolicy } from '@pulumi/policy';
const myPolicies: ResourceValidationPolicy[] = [];
// ---- README ----
import { PolicyPack } from '@pulumi/policy';
import { podguardPolicies } from '@podguard/pulumi/pack';

new PolicyPack('platform', {
  policies: [
    ...podguardPolicies({ profile: 'restricted', enforcement: { readOnlyRootFilesystem: 'advisory' } }),
    ...myPolicies,
  ],
});
// ---- end ----
