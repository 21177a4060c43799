// Preloaded by scripts/coverage-pulumi.mjs (NODE_OPTIONS=--require) into the Node processes of the
// coverage run. The tests stop the policy pack process with SIGTERM, and a process ended by a
// signal writes no NODE_V8_COVERAGE file; exiting on the signal writes it.
if (process.env.NODE_V8_COVERAGE && (process.argv[1] ?? '').includes('run-policy-pack')) {
  process.on('SIGTERM', () => process.exit(143));
}
