/**
 * Builds the Apps Script project into dist/: Code.js, appsscript.json and the HTML files.
 *
 * Apps Script finds entry points by reading top-level function declarations, and esbuild's IIFE
 * hides everything inside one closure. So the bundle exposes its exports as `app`, and one real
 * top-level function per export forwards to it.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const dist = join(root, 'dist');
const entry = join(root, 'src', 'index.ts');
const GLOBAL_NAME = 'app';

/** Apps Script's V8 runtime is reported to reject static and private class fields, so stay at ES2019. */
const TARGET = 'es2019';

async function listExports(): Promise<string[]> {
  const result = await build({ entryPoints: [entry], bundle: true, format: 'esm', write: false, metafile: true, outdir: dist, logLevel: 'silent' });
  const output = Object.values(result.metafile.outputs)[0];
  if (!output) throw new Error('esbuild produced no output for src/index.ts');
  return output.exports.slice().sort();
}

async function buildCode(exportNames: string[]): Promise<number> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    globalName: GLOBAL_NAME,
    target: TARGET,
    minify: false,
    legalComments: 'none',
    write: false,
    charset: 'utf8',
  });
  const bundle = result.outputFiles[0]?.text ?? '';
  const wrappers = exportNames.map((name) => `function ${name}() {\n  return ${GLOBAL_NAME}.${name}.apply(this, arguments);\n}\n`).join('\n');
  const code = `${bundle}\n${wrappers}`;
  writeFileSync(join(dist, 'Code.js'), code);
  return Buffer.byteLength(code);
}

/** Inlines each `<script data-inline="client/x.ts"></script>` as a bundled script, as Apps Script serves only HTML files. */
async function buildHtml(): Promise<string[]> {
  const uiDir = join(root, 'src', 'ui');
  const pages = readdirSync(uiDir).filter((name) => name.endsWith('.html'));
  for (const page of pages) {
    let html = readFileSync(join(uiDir, page), 'utf8');
    const scripts = Array.from(html.matchAll(/<script data-inline="([^"]+)"><\/script>/g));
    for (const match of scripts) {
      const result = await build({ entryPoints: [join(uiDir, match[1] as string)], bundle: true, format: 'iife', target: TARGET, minify: true, write: false, charset: 'utf8' });
      const code = (result.outputFiles[0]?.text ?? '').replace(/<\/script/gi, '<\\/script');
      html = html.replace(match[0], () => `<script>\n${code}</script>`);
    }
    writeFileSync(join(dist, page), html);
  }
  return pages;
}

async function main(): Promise<void> {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const exportNames = await listExports();
  const bytes = await buildCode(exportNames);
  const pages = await buildHtml();
  copyFileSync(join(root, 'appsscript.json'), join(dist, 'appsscript.json'));
  console.log(`Built dist/Code.js (${(bytes / 1024).toFixed(1)} KB, entry points: ${exportNames.join(', ')}) and ${pages.join(', ')}.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
