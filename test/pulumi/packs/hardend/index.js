// A misspelled profile: the pack must fail to start with one clear error (issue 12).
const { createPodguardPack } = require('@podguard/pulumi/pack');

createPodguardPack({ profile: 'hardend' });
