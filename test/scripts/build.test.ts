import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import micromatch from 'micromatch';

import { MENU_ITEMS } from '../../src/app/menu';
import { listTopLevelFunctions } from '../fakes/load-bundle';
import { DIST, ROOT } from '../harness/harness';

const code = readFileSync(join(DIST, 'Code.js'), 'utf8');

/** The functions src/index.ts exports, read from its source. */
const exported = Array.from(readFileSync(join(ROOT, 'src', 'index.ts'), 'utf8').matchAll(/^export function (\w+)\(/gm), (match) => match[1] as string);

describe('dist/Code.js', () => {
  it('declares every export as a top-level function', () => {
    const declared = listTopLevelFunctions(code);
    expect(exported.length).toBeGreaterThan(5);
    for (const name of exported) expect(declared).toContain(name);
  });

  it('names a declared function in every menu item', () => {
    const declared = listTopLevelFunctions(code);
    for (const item of MENU_ITEMS) {
      if (item) expect(declared).toContain(item.functionName);
    }
  });

  it('stays under 200 KB', () => {
    expect(statSync(join(DIST, 'Code.js')).size).toBeLessThan(200 * 1024);
  });

  it.each([['require('], ['setTimeout'], ['window.'], ['process.env']])('never uses %s', (name) => {
    expect(code).not.toContain(name);
  });
});

describe('.claspignore', () => {
  it('pushes only the script, manifest and pages', () => {
    // clasp 3 lists the files under rootDir and drops those matching the patterns, with micromatch.
    const patterns = readFileSync(join(ROOT, '.claspignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    const pushed = micromatch.not(readdirSync(DIST), patterns, { dot: true }).sort();
    expect(pushed).toEqual(['Code.js', 'appsscript.json', 'settings.html', 'sidebar.html']);
  });

  it('points clasp at dist', () => {
    expect(JSON.parse(readFileSync(join(ROOT, '.clasp.json'), 'utf8'))).toEqual({ scriptId: 'REPLACE_WITH_YOUR_SCRIPT_ID', rootDir: 'dist' });
  });
});
