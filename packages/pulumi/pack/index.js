// The podguard policy pack, as a folder: `pulumi preview --policy-pack <this folder>`.
// Settings, exemptions and enforcement levels come from `--policy-pack-config <file>`; see README.md.
const { createPodguardPack } = require('@podguard/pulumi/pack');

createPodguardPack();
