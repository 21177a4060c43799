// Entry point of `cdk8s synth` (cdk8s.yaml: `app: node main.ts`); Node 24 runs it as it is.
import { buildApp } from './app.ts';

buildApp({ insecure: process.env.EXAMPLE_VARIANT === 'insecure' }).synth();
