// The Pulumi entry point: `pulumi preview --policy-pack ../../packages/pulumi/pack` (see README.md).
import * as pulumi from '@pulumi/pulumi';
import { shop, type Variant } from './program';

const variant = (new pulumi.Config().get('variant') ?? 'secure') as Variant;
if (variant !== 'secure' && variant !== 'insecure') {
  throw new Error(`config variant must be "secure" or "insecure", got ${JSON.stringify(variant)}`);
}
const app = shop(variant);

export const namespace = app.namespace.metadata.name;
