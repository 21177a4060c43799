import { describe, expect, it } from 'vitest';
import { childElement, elementAt, readXml } from './readXml.js';

describe('readXml', () => {
  it('reads elements with their offsets and decoded text, skipping comments, declarations and DOCTYPE', () => {
    const text = `<?xml version="1.0"?>
<!DOCTYPE project>
<project a="x>y">
  <!-- <user>root</user> -->
  <user>&lt;app&gt; &amp; &#49;&#x30;</user>
  <image><![CDATA[registry/a&b]]></image>
  <empty/>
</project>`;
    const [project] = readXml(text);
    expect(project?.name).toBe('project');
    expect(project?.children.map((child) => child.name)).toEqual(['user', 'image', 'empty']);
    const user = childElement(project, 'user');
    expect(user?.text).toBe('<app> & 10');
    expect(text.slice(user?.openEnd, user?.closeStart)).toBe('&lt;app&gt; &amp; &#49;&#x30;');
    expect(childElement(project, 'image')?.text).toBe('registry/a&b');
    expect(childElement(project, 'empty')).toMatchObject({ selfClosing: true, text: '' });
  });

  it('is tolerant: stray closing tags are dropped, unclosed elements end where the text ends', () => {
    const [project] = readXml('<project><build><plugins></build></oops><x>1</x>');
    expect(elementAt(project, 'build/plugins')).toBeDefined();
    // </build> closed the plugins left open; <x> is project's child again.
    expect(project?.children.map((child) => child.name)).toEqual(['build', 'x']);
    expect(childElement(project, 'x')?.text).toBe('1');
  });

  it('keeps a lone < in text', () => {
    const [a] = readXml('<a>1 < 2</a>');
    expect(a?.text).toBe('1 < 2');
  });
});
