import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { addOutputTransform, addRawJsonPatch, forgetAll, renderForSynthesis } from './output-layer.js';

function configMap() {
  const chart = Testing.chart();
  const object = new ApiObject(chart, 'config', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'config' },
    data: { a: '1' },
  });
  return { chart, object };
}

describe('output layer', () => {
  it('runs transforms in order after cdk8s renders the object', () => {
    const { chart, object } = configMap();
    object.addJsonPatch(JsonPatch.add('/data/b', '2'));
    addOutputTransform(object, (manifest) => ({
      ...manifest,
      data: { ...(manifest.data as object), c: '3' },
    }));
    addRawJsonPatch(object, JsonPatch.replace('/data/c', 'three'));
    expect(Testing.synth(chart)[0].data).toEqual({ a: '1', b: '2', c: 'three' });
  });

  it('hands the manifest rendered for validation to the next toJson() once', () => {
    const { object } = configMap();
    const rendered = renderForSynthesis(object);
    expect(renderForSynthesis(object)).toBe(rendered);
    expect(object.toJson()).toBe(rendered);
    const fresh = object.toJson();
    expect(fresh).not.toBe(rendered);
    expect(fresh).toEqual(rendered);
  });

  it('never serves a memoised manifest after the construct changed in a later turn', async () => {
    const { object } = configMap();
    renderForSynthesis(object);
    await Promise.resolve();
    object.addJsonPatch(JsonPatch.add('/data/late', 'yes'));
    expect(object.toJson().data).toEqual({ a: '1', late: 'yes' });
  });

  it('drops memoised manifests on request and when a transform is added', () => {
    const { object } = configMap();
    renderForSynthesis(object);
    forgetAll();
    object.addJsonPatch(JsonPatch.add('/data/x', 'x'));
    expect(object.toJson().data).toEqual({ a: '1', x: 'x' });
    renderForSynthesis(object);
    addRawJsonPatch(object, JsonPatch.add('/data/y', 'y'));
    expect(object.toJson().data).toEqual({ a: '1', x: 'x', y: 'y' });
  });

  it('names the construct when a transform fails', () => {
    const { chart, object } = configMap();
    addRawJsonPatch(object, JsonPatch.replace('/data/missing/deep', 1));
    expect(() => Testing.synth(chart)).toThrow(/podguard: cannot finish the manifest of test\/config: /);
  });
});
