import * as fs from 'node:fs';
import * as path from 'node:path';
import { createEnum, enumName } from './apps-script-enum';
import { FakeBlob, bytesOf, decodeText } from './blob';
import type { ScriptRuntime } from './runtime';

export const SandboxMode = createEnum(['EMULATED', 'IFRAME', 'NATIVE']);
export const XFrameOptionsMode = createEnum(['ALLOWALL', 'DEFAULT']);

/** Escapes text for HTML, as `<?= ?>` and `appendUntrusted` do. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** `HtmlOutput`: HTML content with the window settings a dialog or sidebar uses. */
export class FakeHtmlOutput {
  private title = '';
  private width: number | undefined;
  private height: number | undefined;
  private faviconUrl: string | undefined;
  sandboxMode = 'IFRAME';
  xFrameOptionsMode = 'DEFAULT';
  readonly metaTags: { name: string; content: string }[] = [];

  constructor(private content: string) {}

  getContent(): string {
    return this.content;
  }

  setContent(content: string): FakeHtmlOutput {
    this.content = content;
    return this;
  }

  append(addedContent: string): FakeHtmlOutput {
    this.content += addedContent;
    return this;
  }

  appendUntrusted(addedContent: string): FakeHtmlOutput {
    this.content += escapeHtml(addedContent);
    return this;
  }

  clear(): FakeHtmlOutput {
    this.content = '';
    return this;
  }

  getTitle(): string {
    return this.title;
  }

  setTitle(title: string): FakeHtmlOutput {
    this.title = title;
    return this;
  }

  getWidth(): number | undefined {
    return this.width;
  }

  setWidth(width: number): FakeHtmlOutput {
    this.width = width;
    return this;
  }

  getHeight(): number | undefined {
    return this.height;
  }

  setHeight(height: number): FakeHtmlOutput {
    this.height = height;
    return this;
  }

  setSandboxMode(mode: unknown): FakeHtmlOutput {
    this.sandboxMode = enumName(mode);
    return this;
  }

  setXFrameOptionsMode(mode: unknown): FakeHtmlOutput {
    this.xFrameOptionsMode = enumName(mode);
    return this;
  }

  addMetaTag(name: string, content: string): FakeHtmlOutput {
    this.metaTags.push({ name, content });
    return this;
  }

  getMetaTags(): { getName(): string; getContent(): string }[] {
    return this.metaTags.map((tag) => ({ getName: () => tag.name, getContent: () => tag.content }));
  }

  setFaviconUrl(url: string): FakeHtmlOutput {
    this.faviconUrl = url;
    return this;
  }

  getFaviconUrl(): string | undefined {
    return this.faviconUrl;
  }

  getBlob(): FakeBlob {
    return new FakeBlob(bytesOf(this.content), 'text/html', this.title === '' ? null : this.title);
  }

  getAs(contentType: string): FakeBlob {
    return this.getBlob().setContentType(contentType);
  }
}

/**
 * Compiles template text with `<?= ?>`, `<?!= ?>` and `<? ?>` scriptlets to JavaScript source.
 * `<?= ?>` escapes for HTML text only; Apps Script also escapes by context inside `<script>` blocks
 * and attributes.
 */
export function compileTemplate(text: string): string {
  const parts: string[] = [];
  const scriptlet = /<\?(!=|=)?([\s\S]*?)\?>/g;
  let position = 0;
  for (const match of text.matchAll(scriptlet)) {
    parts.push(`__output.append(${JSON.stringify(text.slice(position, match.index))});`);
    const code = match[2] ?? '';
    if (match[1] === '=') parts.push(`__output.appendUntrusted(__text(${code}));`);
    else if (match[1] === '!=') parts.push(`__output.append(__text(${code}));`);
    else parts.push(code);
    position = (match.index ?? 0) + match[0].length;
  }
  parts.push(`__output.append(${JSON.stringify(text.slice(position))});`);
  return `(function (__scope, __output, __text) { with (__scope) { var output = __output; ${parts.join('\n')} } })`;
}

/**
 * `HtmlService`. `createHtmlOutputFromFile(name)` reads `<name>.html` from `htmlDir`, the build
 * output folder. Templates evaluate in the bundle's realm, so scriptlets can call its functions.
 */
export class FakeHtml {
  constructor(
    private readonly runtime: ScriptRuntime,
    private readonly htmlDir: string | undefined,
  ) {}

  /** Reads `<name>.html` (or `name` when it already ends in `.html`) from `htmlDir`. */
  readFile(name: string): string {
    if (this.htmlDir === undefined) throw new Error(`HtmlService has no folder of HTML files for "${name}": pass htmlDir to createAppsScriptEnvironment`);
    const fileName = name.endsWith('.html') ? name : `${name}.html`;
    const filePath = path.resolve(this.htmlDir, fileName);
    const inside = filePath.startsWith(path.resolve(this.htmlDir) + path.sep);
    if (!inside || !fs.existsSync(filePath)) throw this.runtime.realm.exception(`No HTML file named ${name} was found.`);
    return fs.readFileSync(filePath, 'utf8');
  }

  /** Builds the `HtmlService` global. */
  createService(): GoogleAppsScript.HTML.HtmlService {
    const service = {
      SandboxMode,
      XFrameOptionsMode,
      createHtmlOutput: (content?: unknown) => new FakeHtmlOutput(content === undefined ? '' : contentOf(content)),
      createHtmlOutputFromFile: (filename: string) => new FakeHtmlOutput(this.readFile(filename)),
      createTemplate: (content: unknown) => this.template(contentOf(content)),
      createTemplateFromFile: (filename: string) => this.template(this.readFile(filename)),
      getUserAgent: () => 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    };
    return service as unknown as GoogleAppsScript.HTML.HtmlService;
  }

  /** Builds an `HtmlTemplate`; properties the product assigns to it are the scriptlets' variables. */
  private template(text: string): GoogleAppsScript.HTML.HtmlTemplate {
    const runtime = this.runtime;
    const template: Record<string, unknown> = {};
    Object.defineProperties(template, {
      evaluate: {
        enumerable: false,
        value: () => {
          const render = runtime.realm.evaluate(compileTemplate(text), 'template.html') as (scope: object, output: FakeHtmlOutput, toText: (value: unknown) => string) => void;
          const output = new FakeHtmlOutput('');
          const scope: Record<string, unknown> = {};
          for (const key of Object.keys(template)) scope[key] = template[key];
          render(scope, output, (value) => (value === undefined || value === null ? '' : String(value)));
          return output;
        },
      },
      getCode: { enumerable: false, value: () => compileTemplate(text) },
      getRawContent: { enumerable: false, value: () => text },
    });
    return template as unknown as GoogleAppsScript.HTML.HtmlTemplate;
  }
}

function contentOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content instanceof FakeHtmlOutput) return content.getContent();
  return decodeText(bytesOf(content));
}
