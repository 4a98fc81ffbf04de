import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
import ts from 'typescript';

// Electron's security checklist, checked on the source with the TypeScript compiler's parser:
// - windows are created in one place, main/electron/secure-window.ts, with contextIsolation,
//   sandbox and webSecurity on, Node integration off, navigation blocked and pop-ups denied;
// - ipcMain (so every IPC handler) and webContents.send only in the gate, main/electron/ipc-gate.ts;
// - ipcRenderer only in preload/;
// - shell.openExternal only in main/electron/electron-ports.ts, behind checkExternalUrl;
// - shell.openPath (which opens any file, a program too) only there, on the sign-in hand-off page
//   for a checked URL: redirectPage(checkExternalUrl(url)).
// https://www.electronjs.org/docs/latest/tutorial/security

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WINDOW_FACTORY = 'main/electron/secure-window.ts';
const GATE = 'main/electron/ipc-gate.ts';
const BROWSER_OPENER = 'main/electron/electron-ports.ts';
const WINDOW_CLASSES = new Set(['BrowserWindow', 'BrowserView', 'WebContentsView']);

/** webPreferences that must be present with exactly this value. */
const REQUIRED: Record<string, boolean> = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
};
/** webPreferences that, if present, must not be true. */
const NEVER_TRUE = [
  'nodeIntegrationInSubFrames',
  'nodeIntegrationInWorker',
  'allowRunningInsecureContent',
  'webviewTag',
  'experimentalFeatures',
];

interface Source {
  path: string;
  text: string;
}

// Each check runs on the whole app with one file changed: the others are parsed once, not per check.
const parsed = new Map<string, ts.SourceFile>();
function parse(path: string, text: string): ts.SourceFile {
  const key = `${path}\0${text}`;
  let file = parsed.get(key);
  if (file === undefined) {
    file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    parsed.set(key, file);
  }
  return file;
}

/** Every violation in `sources`, as "path: what is wrong". Empty when all is well. */
function checkSecurity(sources: Source[]): string[] {
  const problems: string[] = [];
  let windowsCreated = 0;
  for (const { path, text } of sources) {
    const file = parse(path, text);
    const report = (node: ts.Node, what: string) =>
      problems.push(
        `${path}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${what}`,
      );
    let navigationBlocked = false;
    let popupsDenied = false;
    let windowsHere = 0;

    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && WINDOW_CLASSES.has(lastName(node.expression))) {
        windowsHere++;
        if (path !== WINDOW_FACTORY)
          report(node, `new ${lastName(node.expression)} outside ${WINDOW_FACTORY}`);
        else checkWindowOptions(node, report);
      }
      if (ts.isIdentifier(node) && node.text === 'ipcMain' && path !== GATE) {
        report(node, `ipcMain outside ${GATE}: register IPC handlers through the gate`);
      }
      if (ts.isIdentifier(node) && node.text === 'ipcRenderer' && !path.startsWith('preload/')) {
        report(node, 'ipcRenderer outside preload/');
      }
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        const target = lastName(node.expression.expression);
        if (
          method === 'send' &&
          ['webContents', 'contents', 'sender'].includes(target) &&
          path !== GATE
        ) {
          report(node, `${target}.send outside ${GATE}: use its typed sendEvent`);
        }
        if (method === 'openExternal') checkOpenExternal(node, path, report);
        if (method === 'openPath') checkOpenPath(node, path, report);
        if (method === 'setWindowOpenHandler') popupsDenied ||= deniesEverything(node, report);
        if (method === 'on' && isString(node.arguments[0], 'will-navigate')) {
          navigationBlocked ||= alwaysPrevents(node.arguments[1]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    windowsCreated += windowsHere;
    if (windowsHere > 0 && !navigationBlocked) {
      problems.push(`${path}: creates a window without will-navigate → event.preventDefault()`);
    }
    if (windowsHere > 0 && !popupsDenied) {
      problems.push(`${path}: creates a window without setWindowOpenHandler → { action: 'deny' }`);
    }
  }
  if (windowsCreated === 0) problems.push(`no window is created in ${WINDOW_FACTORY}`);
  return problems;
}

type Report = (node: ts.Node, what: string) => void;

function checkWindowOptions(node: ts.NewExpression, report: Report): void {
  const options = node.arguments?.[0];
  if (options === undefined || !ts.isObjectLiteralExpression(options)) {
    return report(node, 'window options must be an object literal, so they can be checked');
  }
  const prefs = literalProperties(options, report).get('webPreferences');
  if (prefs === undefined || !ts.isObjectLiteralExpression(prefs)) {
    return report(options, 'webPreferences must be an object literal');
  }
  const values = literalProperties(prefs, report);
  for (const [key, wanted] of Object.entries(REQUIRED)) {
    const value = values.get(key);
    if (
      value === undefined ||
      value.kind !== (wanted ? ts.SyntaxKind.TrueKeyword : ts.SyntaxKind.FalseKeyword)
    ) {
      report(prefs, `webPreferences.${key} must be the literal ${String(wanted)}`);
    }
  }
  for (const key of NEVER_TRUE) {
    const value = values.get(key);
    if (value !== undefined && value.kind !== ts.SyntaxKind.FalseKeyword) {
      report(value, `webPreferences.${key} must be absent or false`);
    }
  }
}

/** An object literal's properties by name. A spread could override any of them: refused. */
function literalProperties(
  object: ts.ObjectLiteralExpression,
  report: Report,
): Map<string, ts.Expression> {
  const found = new Map<string, ts.Expression>();
  for (const property of object.properties) {
    if (
      ts.isPropertyAssignment(property) &&
      (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))
    ) {
      found.set(property.name.text, property.initializer);
    } else if (ts.isShorthandPropertyAssignment(property)) {
      found.set(property.name.text, property.name);
    } else {
      report(property, 'window options may not be spread or computed');
    }
  }
  return found;
}

/** setWindowOpenHandler(() => ({ action: 'deny' })): every returned object denies, none allows. */
function deniesEverything(call: ts.CallExpression, report: Report): boolean {
  const handler = call.arguments[0];
  if (handler === undefined || !(ts.isArrowFunction(handler) || ts.isFunctionExpression(handler))) {
    report(call, 'setWindowOpenHandler needs an inline handler, so it can be checked');
    return false;
  }
  const results: ts.Expression[] = [];
  if (!ts.isBlock(handler.body)) results.push(handler.body);
  else {
    const collect = (node: ts.Node): void => {
      if (ts.isReturnStatement(node) && node.expression !== undefined)
        results.push(node.expression);
      if (!ts.isFunctionLike(node)) ts.forEachChild(node, collect);
    };
    collect(handler.body);
  }
  const denies = (e: ts.Expression): boolean => {
    const inner = ts.isParenthesizedExpression(e) ? e.expression : e;
    if (!ts.isObjectLiteralExpression(inner)) return false;
    return inner.properties.some(
      (p) =>
        ts.isPropertyAssignment(p) &&
        p.name.getText() === 'action' &&
        isString(p.initializer, 'deny'),
    );
  };
  if (results.length === 0 || !results.every(denies)) {
    report(call, "setWindowOpenHandler must always return { action: 'deny' }");
    return false;
  }
  return true;
}

/** (event) => event.preventDefault(), or a block that calls it first thing, unconditionally. */
function alwaysPrevents(handler: ts.Expression | undefined): boolean {
  if (handler === undefined || !(ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)))
    return false;
  const isPrevent = (e: ts.Expression) =>
    ts.isCallExpression(e) &&
    ts.isPropertyAccessExpression(e.expression) &&
    e.expression.name.text === 'preventDefault';
  if (!ts.isBlock(handler.body)) return isPrevent(handler.body);
  return handler.body.statements.some(
    (s) => ts.isExpressionStatement(s) && isPrevent(s.expression),
  );
}

function checkOpenExternal(call: ts.CallExpression, path: string, report: Report): void {
  if (path !== BROWSER_OPENER) return report(call, `shell.openExternal outside ${BROWSER_OPENER}`);
  const url = call.arguments[0];
  if (
    url === undefined ||
    !ts.isCallExpression(url) ||
    lastName(url.expression) !== 'checkExternalUrl'
  ) {
    report(call, 'shell.openExternal must open checkExternalUrl(url), the https-only policy');
  }
}

function checkOpenPath(call: ts.CallExpression, path: string, report: Report): void {
  if (path !== BROWSER_OPENER) return report(call, `shell.openPath outside ${BROWSER_OPENER}`);
  const page = call.arguments[0];
  const url = page !== undefined && ts.isCallExpression(page) ? page.arguments[0] : undefined;
  if (
    page === undefined ||
    !ts.isCallExpression(page) ||
    lastName(page.expression) !== 'redirectPage' ||
    url === undefined ||
    !ts.isCallExpression(url) ||
    lastName(url.expression) !== 'checkExternalUrl'
  ) {
    report(call, 'shell.openPath must open redirectPage(checkExternalUrl(url)), nothing else');
  }
}

function lastName(node: ts.Expression): string {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return '';
}

function isString(node: ts.Node | undefined, value: string): boolean {
  return node !== undefined && ts.isStringLiteralLike(node) && node.text === value;
}

function sourcesUnder(...dirs: string[]): Source[] {
  const out: Source[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        out.push({
          path: relative(ROOT, full).split(sep).join('/'),
          text: readFileSync(full, 'utf8'),
        });
      }
    }
  };
  for (const dir of dirs) walk(join(ROOT, dir));
  return out;
}

describe('Electron security checklist, on the source', () => {
  const real = sourcesUnder('main', 'preload', 'renderer');
  const factory = real.find((s) => s.path === WINDOW_FACTORY);
  const withFactory = (text: string) => [
    ...real.filter((s) => s.path !== WINDOW_FACTORY),
    { path: WINDOW_FACTORY, text },
  ];
  const problemsWith = (extra: Source) => checkSecurity([...real, extra]);

  test('the app as it is passes', () => {
    assert.ok(factory, `${WINDOW_FACTORY} exists`);
    assert.deepEqual(checkSecurity(real), []);
  });

  test('a window without the sandbox, or with Node, or with web security off, fails', () => {
    for (const [from, to, expected] of [
      ['sandbox: true', 'sandbox: false', /webPreferences\.sandbox must be the literal true/],
      [
        'nodeIntegration: false',
        'nodeIntegration: true',
        /nodeIntegration must be the literal false/,
      ],
      ['contextIsolation: true,', '', /contextIsolation must be the literal true/],
      [
        'webSecurity: true',
        'webSecurity: process.env.X === "1"',
        /webSecurity must be the literal true/,
      ],
      ['webviewTag: false', 'webviewTag: true', /webviewTag must be absent or false/],
      ['webPreferences: {', 'webPreferences: { ...extra,', /may not be spread/],
    ] as const) {
      assert.ok(factory?.text.includes(from), `the factory has "${from}"`);
      const problems = checkSecurity(withFactory(factory?.text.replace(from, to) ?? ''));
      assert.ok(
        problems.some((p) => expected.test(p)),
        `${from} → ${to}: ${problems.join('; ')}`,
      );
    }
  });

  test('a window that may navigate or open pop-ups fails', () => {
    const text = factory?.text ?? '';
    const navigates = text.replace(
      "contents.on('will-navigate', (event) => event.preventDefault());",
      '',
    );
    assert.notEqual(navigates, text);
    assert.match(checkSecurity(withFactory(navigates)).join('\n'), /without will-navigate/);
    const allows = text.replace("({ action: 'deny' })", "({ action: 'allow' })");
    assert.notEqual(allows, text);
    assert.match(
      checkSecurity(withFactory(allows)).join('\n'),
      /must always return \{ action: 'deny' \}/,
    );
  });

  test('a window created anywhere else fails', () => {
    const problems = problemsWith({
      path: 'main/electron/rogue.ts',
      text: "import { BrowserWindow } from 'electron';\nexport const w = new BrowserWindow({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true } });\n",
    });
    assert.match(
      problems.join('\n'),
      /rogue\.ts:2: new BrowserWindow outside main\/electron\/secure-window\.ts/,
    );
  });

  test('an IPC handler registered outside the gate fails', () => {
    const problems = problemsWith({
      path: 'main/electron/side-door.ts',
      text: "import { ipcMain } from 'electron';\nipcMain.handle('accounts:list', () => []);\n",
    });
    assert.equal(problems.filter((p) => p.includes('ipcMain outside')).length, 2);
  });

  test('ipcRenderer outside the preload fails; webContents.send outside the gate fails', () => {
    assert.match(
      problemsWith({
        path: 'renderer/x/x.ts',
        text: 'export const r = (window as any).ipcRenderer;\n',
      }).join(),
      /renderer\/x\/x\.ts:1: ipcRenderer outside preload\//,
    );
    assert.match(
      problemsWith({
        path: 'main/electron/y.ts',
        text: "export const f = (w: any) => w.webContents.send('x', 1);\n",
      }).join(),
      /webContents\.send outside/,
    );
  });

  test('shell.openExternal elsewhere, or without the https policy, fails', () => {
    assert.match(
      problemsWith({
        path: 'main/electron/z.ts',
        text: "import { shell } from 'electron';\nvoid shell.openExternal('https://x');\n",
      }).join(),
      /shell\.openExternal outside/,
    );
    const opener = real.find((s) => s.path === BROWSER_OPENER);
    assert.ok(opener?.text.includes('shell.openExternal(checkExternalUrl(url))'));
    const unchecked = [
      ...real.filter((s) => s.path !== BROWSER_OPENER),
      {
        path: BROWSER_OPENER,
        text:
          opener?.text.replace(
            'shell.openExternal(checkExternalUrl(url))',
            'shell.openExternal(url)',
          ) ?? '',
      },
    ];
    assert.match(checkSecurity(unchecked).join(), /must open checkExternalUrl\(url\)/);
  });

  test('shell.openPath elsewhere, or on anything but the hand-off page of a checked URL, fails', () => {
    assert.match(
      problemsWith({
        path: 'main/electron/z.ts',
        text: "import { shell } from 'electron';\nvoid shell.openPath('/tmp/x.desktop');\n",
      }).join(),
      /shell\.openPath outside/,
    );
    const opener = real.find((s) => s.path === BROWSER_OPENER);
    const checked = 'shell.openPath(redirectPage(checkExternalUrl(url)))';
    assert.ok(opener?.text.includes(checked));
    for (const instead of ['shell.openPath(redirectPage(url))', 'shell.openPath(url)']) {
      const unchecked = [
        ...real.filter((s) => s.path !== BROWSER_OPENER),
        { path: BROWSER_OPENER, text: opener?.text.replace(checked, instead) ?? '' },
      ];
      assert.match(
        checkSecurity(unchecked).join(),
        /openPath must open redirectPage\(checkExternalUrl\(url\)\)/,
        instead,
      );
    }
  });

  test('lint also refuses ipcMain, ipcRenderer and BrowserWindow imports where they do not belong', async () => {
    const eslint = new ESLint();
    const rules = async (code: string, filePath: string) =>
      (await eslint.lintText(code, { filePath }))[0]?.messages.map((m) => m.ruleId) ?? [];
    const restricted = '@typescript-eslint/no-restricted-imports';
    assert.ok(
      (
        await rules(
          "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n",
          'main/electron/x.ts',
        )
      ).includes(restricted),
    );
    assert.ok(
      (
        await rules(
          "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;\n",
          'main/electron/x.ts',
        )
      ).includes(restricted),
    );
    assert.deepEqual(
      await rules("import { ipcMain } from 'electron';\nexport const x = ipcMain;\n", GATE),
      [],
    );
    assert.deepEqual(
      await rules(
        "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;\n",
        WINDOW_FACTORY,
      ),
      [],
    );
    assert.deepEqual(
      await rules(
        "import type { BrowserWindow } from 'electron';\nexport type X = BrowserWindow;\n",
        'main/electron/x.ts',
      ),
      [],
    );
  });
});
