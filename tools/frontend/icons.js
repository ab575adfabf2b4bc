// Writes icons.css (imported by page.css): each Font Awesome icon the pages use (icons.json),
// drawn from its SVG as a CSS mask in the text's colour, instead of the 80 KB icon font.
const fs = require('fs');
const path = require('path');
const names = JSON.parse(fs.readFileSync(path.join(__dirname, 'icons.json'), 'utf8'));
const svgs = path.join(__dirname, 'node_modules/@fortawesome/fontawesome-free/svgs');
const rules = [
  '/* Written by icons.js from icons.json (Font Awesome Free 5.15.4, icons CC BY 4.0). */',
  '.fa { display: inline-block; width: 1em; height: 1em; vertical-align: -0.125em; }',
  '.fa.fa-fw { width: 1.25em; }',
  '.fa::before { content: ""; display: block; width: 100%; height: 100%;',
  '  background-color: var(--wb-icon-color, transparent);',
  '  -webkit-mask: var(--wb-icon) center / contain no-repeat;',
  '  mask: var(--wb-icon) center / contain no-repeat; }',
];
// the SVG as a data URL: single quotes inside, and only the characters URLs reserve escaped
const encode = (svg) => svg.replace(/"/g, "'").replace(/[<>#%]/g, encodeURIComponent);
for (const [name, file] of Object.entries(names)) {
  if (name.startsWith('_')) continue;
  const svg = fs.readFileSync(path.join(svgs, `${file}.svg`), 'utf8')
    .replace(/<!--.*?-->/gs, '').trim();
  const url = `url("data:image/svg+xml,${encode(svg)}")`;
  rules.push(`.fa-${name} { --wb-icon-color: currentColor; --wb-icon: ${url}; }`);
}
fs.writeFileSync(path.join(__dirname, 'icons.css'), rules.join('\n') + '\n');
