import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAppsScriptEnvironment } from './environment';

let htmlDir: string;

beforeAll(() => {
  htmlDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-html-'));
  fs.writeFileSync(path.join(htmlDir, 'Sidebar.html'), '<h1>Sidebar</h1>');
  fs.writeFileSync(path.join(htmlDir, 'Report.html'), '<h1><?= title ?></h1><? for (var i = 0; i < pods.length; i++) { ?><li><?!= pods[i] ?></li><? } ?>');
});

afterAll(() => {
  fs.rmSync(htmlDir, { recursive: true, force: true });
});

describe('HtmlService', () => {
  it('reads files from the build folder', () => {
    const { HtmlService } = createAppsScriptEnvironment({ htmlDir }).globals;
    expect(HtmlService.createHtmlOutputFromFile('Sidebar').getContent()).toBe('<h1>Sidebar</h1>');
    expect(HtmlService.createHtmlOutputFromFile('Sidebar.html').getContent()).toBe('<h1>Sidebar</h1>');
  });

  it('rejects missing files', () => {
    const { HtmlService } = createAppsScriptEnvironment({ htmlDir }).globals;
    expect(() => HtmlService.createHtmlOutputFromFile('Nope')).toThrow('No HTML file named Nope was found.');
    expect(() => HtmlService.createHtmlOutputFromFile('../etc/passwd')).toThrow('No HTML file named ../etc/passwd was found.');
  });

  it('evaluates templates', () => {
    const { HtmlService } = createAppsScriptEnvironment({ htmlDir }).globals;
    const template = HtmlService.createTemplateFromFile('Report') as GoogleAppsScript.HTML.HtmlTemplate & Record<string, unknown>;
    template.title = '<Usage & cost>';
    template.pods = ['<b>a</b>', 'b'];
    expect(template.evaluate().getContent()).toBe('<h1>&lt;Usage &amp; cost&gt;</h1><li><b>a</b></li><li>b</li>');
  });

  it('builds outputs', () => {
    const { HtmlService } = createAppsScriptEnvironment().globals;
    const output = HtmlService.createHtmlOutput('<p>')
      .append('x')
      .appendUntrusted('<y>')
      .setTitle('T')
      .setWidth(400)
      .setHeight(300)
      .setSandboxMode(HtmlService.SandboxMode.IFRAME)
      .setXFrameOptionsMode(HtmlService.XFrameOptionsMode.ALLOWALL);
    expect(output.getContent()).toBe('<p>x&lt;y&gt;');
    expect(output.getTitle()).toBe('T');
    expect(output.getWidth()).toBe(400);
    expect(output.getHeight()).toBe(300);
    expect(output.getBlob().getDataAsString()).toBe('<p>x&lt;y&gt;');
  });
});
