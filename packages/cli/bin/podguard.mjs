#!/usr/bin/env node
// The installed command. It is a committed file, not a build output, so that npm links it on
// install even before the workspace is built; the bundle does the work.
import '../dist/podguard.mjs';
