// Stands in for the sanitize-html package (about 250 KB of the bundle with its HTML and CSS
// parsers) where @jupyter-widgets/base-manager sanitizes a description that allows HTML: the same
// allowlist, applied with the browser's own parser. Only the options the widget manager passes
// are understood: allowedTags, and allowedAttributes by tag or '*' (a trailing '*' matches a
// prefix).
const SCHEMES = /^(https?:|mailto:|ftp:|[^:]*$)/i;  // sanitize-html's default allowed schemes
// dropped with their text, as sanitize-html does
const DROPPED = ['script', 'style', 'textarea', 'option', 'noscript'];

function allowed(patterns, name) {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}

function clean(node, tags, attributes) {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === 3) continue;  // text
    if (child.nodeType !== 1) { child.remove(); continue; }
    const tag = child.tagName.toLowerCase();
    if (DROPPED.includes(tag)) {
      child.remove();
      continue;
    }
    clean(child, tags, attributes);
    if (!tags.includes(tag)) {
      child.replaceWith(...child.childNodes);
      continue;
    }
    const patterns = [...(attributes['*'] || []), ...(attributes[tag] || [])];
    for (const attr of [...child.attributes]) {
      const name = attr.name.toLowerCase();
      const url = name === 'href' || name === 'src';
      const value = attr.value.replace(/[\s\u0000-\u001f]/g, '');
      if (!allowed(patterns, name) || (url && !SCHEMES.test(value))) {
        child.removeAttribute(attr.name);
      }
    }
  }
}

export default function sanitize(html, options = {}) {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  clean(doc.body, options.allowedTags || [], options.allowedAttributes || {});
  return doc.body.innerHTML;
}
