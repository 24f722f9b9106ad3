const SVG_NS = 'http://www.w3.org/2000/svg';
/** What a QR drawing needs, and nothing that can run script, load a URL or hold text. */
const ALLOWED: Record<string, readonly string[]> = {
  svg: ['xmlns', 'viewBox', 'width', 'height', 'shape-rendering', 'version'],
  g: ['fill', 'stroke', 'stroke-width', 'transform'],
  path: ['d', 'fill', 'stroke', 'stroke-width', 'fill-rule', 'transform'],
  rect: ['x', 'y', 'width', 'height', 'fill', 'stroke', 'stroke-width', 'transform'],
};
/** Attribute values are numbers, path data, colours or transforms; never url(…) or a scheme. */
const SAFE_VALUE = /^[\w\s.,#%()+-]*$/;

/**
 * Turns the server's `qrSvg` into a `data:` URL for an `<img>`, keeping only an allowlist of SVG
 * elements and attributes. Two walls against XSS: the sanitizer drops scripts, event handlers,
 * links, styles and foreign content, and an SVG shown through `<img>` never runs script or loads
 * anything even if something slipped through.
 *
 * @param svg - SVG document text
 * @returns a `data:image/svg+xml` URL, or null when the text is not an SVG document
 * @example html`<img src=${sanitizeQrSvg(setup.qrSvg) ?? ''} alt="QR code">`
 */
export function sanitizeQrSvg(svg: string): string | null {
  if (svg.length > 500_000) return null;
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.namespaceURI !== SVG_NS || root.localName !== 'svg') return null;
  if (doc.getElementsByTagName('parsererror').length > 0) return null;
  clean(root);
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(root))}`;
}

function clean(element: Element): void {
  const allowed = ALLOWED[element.localName] ?? [];
  for (const { name, value } of [...element.attributes]) {
    if (!allowed.includes(name) || (name !== 'xmlns' && !SAFE_VALUE.test(value))) {
      element.removeAttribute(name);
    }
  }
  for (const child of [...element.childNodes]) {
    const keep =
      child instanceof Element &&
      child.namespaceURI === SVG_NS &&
      child.localName in ALLOWED &&
      child.localName !== 'svg';
    if (keep) clean(child);
    else child.remove();
  }
}
