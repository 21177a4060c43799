// write-policy-config.js: node write-policy-config.js > policy-config.json
const { podguardPolicyConfig } = require('@podguard/pulumi/pack');

console.log(
  JSON.stringify(
    podguardPolicyConfig({
      profile: 'openshift',
      uidRange: { min: 1000680000, max: 1000689999 },
      enforcement: { all: 'mandatory', readOnlyRootFilesystem: 'advisory' },
      suppressions: [
        {
          rule: 'hostPathVolumes',
          reason: 'log shipper reads /var/log on every node',
          match: { kind: 'DaemonSet', name: 'fluent-bit' },
        },
      ],
    }),
    null,
    2,
  ),
);
