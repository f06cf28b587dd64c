// Parses the Mermaid diagram on stdin with Mermaid's own parser: exit 0 if it parses, else 1 with the parser's
// message on stderr. The argument is the directory of the installed `mermaid` package; `jsdom` is beside it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(join(process.argv[2], 'package.json'));
// Mermaid sanitizes labels with DOMPurify, which needs a DOM when it is loaded.
const { JSDOM } = require('jsdom');
const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import(pathToFileURL(require.resolve('mermaid')).href);

try {
    await mermaid.parse(readFileSync(0, 'utf8'));
    process.exit(0);
} catch (e) {
    process.stderr.write(String(e.message ?? e) + '\n');
    process.exit(1);
}
