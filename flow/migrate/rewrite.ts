/**
 * The rewrite of one ringo-flow JavaScript scenario into a `@ringo/flow`
 * TypeScript one, on the syntax tree the TypeScript compiler parses
 * (`npm:typescript`): the tree says where each call, name and function
 * is, and the file is changed by small text edits at those places, so
 * its comments and layout stay as they were.
 *
 * What changes (the tables are in names.ts): ringo-flow's globals become
 * imports from `@ringo/flow`; `new Agent(…)` / `new MockServer(…)` become
 * `await agent(…)` / `await mockServer(…)`; every call that returns a
 * promise now (verbs, `until`, `wait`, `http`, mock routes, and local
 * functions that came to contain an `await`) gets `await`, and each
 * function holding one becomes `async`; renamed getters, methods and
 * matchers take their new names; `scenario.each` bodies take `(row,
 * context)`; `parallel([…])` becomes `Promise.all`; reads through values
 * that may be absent (`peer`, `lastRequest()`) use `?.`; parameters of
 * local functions get a type. What cannot be carried over is returned as
 * notes with the line.
 *
 * @module
 */
import ts from "typescript";
import {
  AGENT_METHOD_GLOBALS,
  AGENT_VERBS,
  CONSTRUCTORS,
  GLOBALS,
  MATCHERS,
  METHODS,
  MOCK_VERBS,
  NON_WAITING_CALLBACKS,
  OPTIONAL_GETTERS,
  OPTIONAL_RESULTS,
  PARALLEL,
  PROPERTIES,
} from "./names.ts";

/** Something the rewrite could not carry over as it was, at a line of the source. */
export interface MigrationNote {
  line: number;
  column: number;
  /** `todo`: needs a person's decision; `info`: changed in a way worth knowing. */
  level: "todo" | "info";
  message: string;
}

/** What {@link migrateSource} made of a file. */
export interface MigrationResult {
  /** The TypeScript source. */
  code: string;
  notes: MigrationNote[];
  /** How many calls got `await`. */
  awaits: number;
  /** How many names were changed. */
  renames: number;
  /** Exported functions that became async (their importers must await them). */
  asyncExports: string[];
  /** True when the file defines helpers only (exports, no scenario, no top-level calls). */
  helperOnly: boolean;
}

/** Options of {@link migrateSource}. */
export interface MigrateOptions {
  /**
   * Rewrites a relative import specifier (`./lib.js` → `./_lib.ts`), or
   * says why it cannot (a note at the import); default: as written.
   */
  mapImport?(specifier: string): string | { todo: string };
  /** The source's name for the header comment (`call.js`). */
  sourceName?: string;
  /**
   * Whether `name`, imported from `specifier`, is a function that became
   * async in its own migrated file (then its calls here get `await`).
   */
  importedAsync?(specifier: string, name: string): boolean;
}

/**
 * Rewrites one ringo-flow scenario. Throws a {@link MigrationSyntaxError}
 * when the source does not parse as JavaScript.
 *
 * @example
 * ```ts
 * const { code, notes } = migrateSource(`const b = new Agent("B", {});\nb.accept();\n`);
 * // import { agent } from "@ringo/flow";
 * //
 * // const b = await agent("B", {});
 * // await b.accept();
 * ```
 */
export function migrateSource(source: string, options: MigrateOptions = {}): MigrationResult {
  const file = ts.createSourceFile(
    options.sourceName ?? "scenario.js",
    source,
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.JS,
  );
  const diagnostics = (file as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics;
  if (diagnostics && diagnostics.length > 0) {
    const d = diagnostics[0];
    const { line, character } = file.getLineAndCharacterOfPosition(d.start ?? 0);
    throw new MigrationSyntaxError(
      `${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
      line + 1,
      character + 1,
    );
  }
  // Local functions that come to hold an `await` are async, so their calls
  // need one too: repeat until no new function turns async.
  let asyncLocals = new Set<string>(importedAsyncNames(file, options));
  for (;;) {
    const pass = new Rewrite(file, asyncLocals, options);
    pass.run();
    if ([...pass.madeAsync].every((name) => asyncLocals.has(name))) return pass.result();
    asyncLocals = new Set([...asyncLocals, ...pass.madeAsync]);
  }
}

/** The source is not JavaScript (a Rhai script, a syntax error). */
export class MigrationSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = "MigrationSyntaxError";
  }
}

interface Edit {
  start: number;
  end: number;
  text: string;
  /** Among edits at the same place: lower first. */
  rank: number;
}

type FunctionNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration;

/** One pass over the tree; see {@link migrateSource}. */
class Rewrite {
  readonly madeAsync = new Set<string>();
  readonly #file: ts.SourceFile;
  readonly #asyncLocals: ReadonlySet<string>;
  readonly #options: MigrateOptions;
  readonly #edits: Edit[] = [];
  readonly #notes: MigrationNote[] = [];
  readonly #imports = new Set<string>();
  readonly #declared = new Set<string>();
  readonly #mocks = new Set<string>();
  readonly #agents = new Set<string>();
  /** Variables holding a value that may be absent (`const req = hooks.lastRequest(…)`). */
  readonly #maybeAbsent = new Set<string>();
  readonly #asyncFunctions = new Set<ts.Node>();
  #awaits = 0;
  #renames = 0;
  #usesAgentType = false;

  constructor(file: ts.SourceFile, asyncLocals: ReadonlySet<string>, options: MigrateOptions) {
    this.#file = file;
    this.#asyncLocals = asyncLocals;
    this.#options = options;
  }

  run(): void {
    this.#collect(this.#file);
    this.#visit(this.#file);
  }

  result(): MigrationResult {
    const code = this.#render();
    return {
      code,
      notes: this.#notes.sort((a, b) => a.line - b.line || a.column - b.column),
      awaits: this.#awaits,
      renames: this.#renames,
      asyncExports: [...this.madeAsync].filter((name) => isExported(this.#file, name)),
      helperOnly: this.#helperOnly(),
    };
  }

  /** Declared names, and which of them hold agents or mock servers. */
  #collect(node: ts.Node): void {
    if (
      (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) || ts.isImportSpecifier(node) || ts.isImportClause(node) ||
        ts.isBindingElement(node)) && node.name && ts.isIdentifier(node.name)
    ) {
      this.#declared.add(node.name.text);
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      if (mayBeAbsent(node.initializer)) this.#maybeAbsent.add(node.name.text);
      const made = madeBy(node.initializer);
      if (made === "agent") this.#agents.add(node.name.text);
      if (made === "mockServer") this.#mocks.add(node.name.text);
    }
    if (ts.isPropertyAssignment(node) && node.initializer) {
      const made = madeBy(node.initializer);
      const key = node.name.getText(this.#file);
      if (made === "agent") this.#agents.add(key);
      if (made === "mockServer") this.#mocks.add(key);
    }
    ts.forEachChild(node, (child) => this.#collect(child));
  }

  #visit(node: ts.Node): void {
    if (ts.isNewExpression(node)) this.#onNew(node);
    else if (ts.isCallExpression(node)) this.#onCall(node);
    else if (ts.isPropertyAccessExpression(node)) this.#onProperty(node);
    else if (ts.isIdentifier(node)) this.#onIdentifier(node);
    else if (ts.isPropertyAssignment(node)) this.#onPropertyKey(node);
    else if (ts.isImportDeclaration(node)) this.#onImport(node);
    if (isFunction(node)) this.#typeParameters(node);
    ts.forEachChild(node, (child) => this.#visit(child));
    // After the children: by now the callbacks that became async are known.
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (NON_WAITING_CALLBACKS.has(method)) this.#checkCallbacks(node, method);
    }
  }

  #onNew(node: ts.NewExpression): void {
    if (!ts.isIdentifier(node.expression)) return;
    const to = CONSTRUCTORS[node.expression.text];
    if (!to || this.#declared.has(node.expression.text)) return;
    this.#replace(node.getStart(this.#file), node.expression.end, to);
    this.#imports.add(to);
    this.#await(node);
  }

  #onCall(node: ts.CallExpression): void {
    const callee = node.expression;
    if (isEachTable(callee)) return this.#onEach(node);
    if (ts.isIdentifier(callee)) {
      const name = callee.text;
      if (this.#declared.has(name)) {
        if (this.#asyncLocals.has(name)) this.#await(node);
        return;
      }
      if (name === PARALLEL) return this.#onParallel(node);
      const global = GLOBALS[name];
      if (!global) return;
      if (global.async) this.#await(node);
      return;
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const receiver = callee.expression;
      if (this.#isAssertion(receiver)) return this.#onMatcher(node, callee);
      if (ts.isIdentifier(receiver) && BUILTINS.has(receiver.text)) return;
      if (OPTIONAL_RESULTS.has(method)) this.#optionalRead(node);
      if (AGENT_METHOD_GLOBALS[method] && node.arguments.length === 1) {
        const to = AGENT_METHOD_GLOBALS[method];
        // a.verifyAudioConnection(b) → verifyAudioConnection(a, b)
        this.#replace(node.getStart(this.#file), callee.name.end, to);
        this.#insert(node.arguments.pos, `${receiver.getText(this.#file)}, `);
        this.#imports.add(to);
        this.#await(node);
        return;
      }
      const verb = AGENT_VERBS[method];
      if (verb !== undefined && !this.#isMock(receiver)) {
        this.#rename(callee.name, verb);
        this.#await(node);
        if (verb === "respondIncoming" && node.arguments.length >= 3) {
          this.#note(
            node,
            "todo",
            "respondIncoming() with headers: no baresip can add headers to " +
              "its final response, so this call fails when it runs; drop the headers",
          );
        }
        if (verb === "deflect") {
          this.#note(
            node,
            "info",
            "deflect() answers the call and transfers it (REFER) instead " +
              "of answering 302: baresip cannot send a redirect",
          );
        }
        return;
      }
      if (MOCK_VERBS[method] !== undefined && this.#isMock(receiver)) {
        this.#await(node);
        return;
      }
      const renamed = METHODS[method];
      if (renamed !== undefined && (method !== "headers" || node.arguments.length === 0)) {
        if (method !== "headers" || !this.#isMock(receiver)) this.#rename(callee.name, renamed);
      }
      if (method === "json" && wantsAny(node)) this.#insert(callee.name.end, "<any>");
    }
  }

  /** A read through `node`'s value, which may be undefined, becomes `?.`. */
  #optionalRead(node: ts.Expression): void {
    const parent = node.parent;
    const read = (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) &&
      parent.expression === node && !parent.questionDotToken;
    if (read) this.#insert(node.end, "?", 1);
  }

  #onParallel(node: ts.CallExpression): void {
    const callee = node.expression;
    this.#replace(callee.getStart(this.#file), callee.end, "Promise.all");
    const tasks = node.arguments[0];
    if (tasks) {
      const wrap = !ts.isArrayLiteralExpression(tasks) && !ts.isIdentifier(tasks);
      if (wrap) this.#insert(tasks.getStart(this.#file), "(");
      this.#insert(tasks.end, `${wrap ? ")" : ""}.map((task) => task())`, 1);
    }
    this.#await(node);
  }

  #onMatcher(node: ts.CallExpression, callee: ts.PropertyAccessExpression): void {
    const matcher = MATCHERS[callee.name.text];
    if (!matcher) return;
    this.#rename(callee.name, matcher.to);
    if (matcher.argument && node.arguments.length === 0) {
      this.#insert(node.arguments.pos, matcher.argument);
    }
    const pattern = node.arguments[0];
    if (matcher.regex && pattern && !ts.isRegularExpressionLiteral(pattern)) {
      this.#insert(pattern.getStart(this.#file), "new RegExp(");
      this.#insert(pattern.end, ")", 1);
    }
  }

  /** `scenario.each(table)(name, [options,] (ctx, row) => …)`: the body takes `(row, ctx)`. */
  #onEach(node: ts.CallExpression): void {
    const body = node.arguments.at(-1);
    if (!body || !(ts.isArrowFunction(body) || ts.isFunctionExpression(body))) return;
    const [context, row] = body.parameters;
    if (!context) return;
    const text = (p: ts.Node) => p.getText(this.#file);
    if (row) {
      this.#replace(context.getStart(this.#file), context.end, text(row));
      this.#replace(row.getStart(this.#file), row.end, text(context));
    } else {
      // A body that took only the context now gets the row first.
      const needsParens = ts.isArrowFunction(body) && !hasParens(body, this.#file);
      this.#insert(context.getStart(this.#file), needsParens ? "(_row, " : "_row, ");
      if (needsParens) this.#insert(context.end, ")", 1);
    }
    this.#renames++;
  }

  #onProperty(node: ts.PropertyAccessExpression): void {
    const name = node.name.text;
    const parent = node.parent;
    const called = ts.isCallExpression(parent) && parent.expression === node;
    if (!called && PROPERTIES[name]) this.#rename(node.name, PROPERTIES[name]);
    // `b.peer.uri` → `b.peer?.uri`: peer is undefined without a call.
    if (!called && OPTIONAL_GETTERS.has(name)) this.#optionalRead(node);
  }

  #onIdentifier(node: ts.Identifier): void {
    const parent = node.parent;
    if (this.#maybeAbsent.has(node.text) && !isDeclarationName(node) && !isParameterOf(node)) {
      this.#optionalRead(node);
    }
    // Only free names: not `x.name`, not `{ name: … }`, not a declaration.
    if (ts.isPropertyAccessExpression(parent) && parent.name === node) return;
    if (
      (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) ||
        ts.isPropertyDeclaration(parent)) && parent.name === node
    ) return;
    if (ts.isShorthandPropertyAssignment(parent)) {
      if (!this.#declared.has(node.text) && GLOBALS[node.text]) {
        this.#imports.add(GLOBALS[node.text].to);
      }
      return;
    }
    if (isDeclarationName(node) || this.#declared.has(node.text)) return;
    const global = GLOBALS[node.text];
    if (!global) return;
    if (global.to !== node.text) this.#rename(node, global.to);
    this.#imports.add(global.to);
  }

  /** `content_type:` in an answer map → `contentType:`. */
  #onPropertyKey(node: ts.PropertyAssignment): void {
    if (ts.isIdentifier(node.name) && node.name.text === "content_type") {
      this.#rename(node.name, "contentType");
    }
  }

  #onImport(node: ts.ImportDeclaration): void {
    const spec = node.moduleSpecifier;
    if (!ts.isStringLiteral(spec) || !this.#options.mapImport) return;
    const mapped = this.#options.mapImport(spec.text);
    if (typeof mapped === "object") return this.#note(spec, "todo", mapped.todo);
    if (mapped !== spec.text) {
      this.#replace(spec.getStart(this.#file), spec.end, JSON.stringify(mapped));
      this.#renames++;
    }
  }

  /** Types the parameters of a function nothing types from outside. */
  #typeParameters(node: FunctionNode): void {
    if (isContextuallyTyped(node)) return;
    for (const p of node.parameters) {
      if (p.type || !ts.isIdentifier(p.name)) continue;
      const agentLike = !p.dotDotDotToken && this.#usedAsAgent(node, p.name.text);
      if (agentLike) this.#usesAgentType = true;
      const type = agentLike ? "Agent" : p.dotDotDotToken ? "any[]" : "any";
      this.#insert(p.name.end, `: ${type}`);
    }
  }

  /** True when `name` is the receiver of an agent verb or getter inside `fn`. */
  #usedAsAgent(fn: ts.Node, name: string): boolean {
    let found = false;
    const look = (n: ts.Node) => {
      if (found) return;
      if (
        ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) &&
        n.expression.text === name &&
        (AGENT_VERBS[n.name.text] !== undefined || PROPERTIES[n.name.text] !== undefined ||
          ["state", "registered", "peer", "held", "call", "calls", "header"].includes(n.name.text))
      ) found = true;
      ts.forEachChild(n, look);
    };
    look(fn);
    return found;
  }

  #checkCallbacks(node: ts.CallExpression, method: string): void {
    const parent = node.parent;
    const awaitedAll = ts.isCallExpression(parent) && parent.expression.getText(this.#file) ===
        "Promise.all";
    if (awaitedAll) return;
    for (const arg of node.arguments) {
      if (!isFunction(arg) || !this.#needsAsync(arg)) continue;
      this.#note(
        arg,
        "todo",
        `this callback of ${method}() now awaits agent or HTTP calls, but ${method}() does not ` +
          `wait for it: use a for…of loop (or await Promise.all(…${
            method === "map" ? "" : ".map"
          }(…)))`,
      );
    }
  }

  #needsAsync(fn: ts.Node): boolean {
    return this.#asyncFunctions.has(fn);
  }

  /** Gives `call` an `await` (in parentheses where it is read further) and makes its function async. */
  #await(call: ts.Expression): void {
    const parent = call.parent;
    if (ts.isAwaitExpression(parent)) return;
    this.#awaits++;
    const start = call.getStart(this.#file);
    const read = (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent) ||
      ts.isCallExpression(parent)) && parent.expression === call;
    this.#insert(start, read ? "(await " : "await ", -1);
    if (read) this.#insert(call.end, ")", 2);
    this.#makeAsync(call);
  }

  #makeAsync(node: ts.Node): void {
    let fn: ts.Node | undefined = node.parent;
    while (fn && !isFunction(fn) && !ts.isSourceFile(fn)) {
      if (
        ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn) ||
        ts.isConstructorDeclaration(fn) || ts.isClassStaticBlockDeclaration(fn)
      ) {
        this.#note(
          node,
          "todo",
          "an awaited call in a getter, setter or constructor, which " +
            "cannot be async: move it into a function",
        );
        return;
      }
      fn = fn.parent;
    }
    if (!fn || ts.isSourceFile(fn) || this.#asyncFunctions.has(fn)) return;
    this.#asyncFunctions.add(fn);
    const f = fn as FunctionNode;
    const isAsync = f.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
    if (isAsync) return;
    this.#insert(asyncPosition(f, this.#file), "async ", -2);
    const name = functionName(f);
    if (name) this.madeAsync.add(name);
    else if (!isContextuallyTyped(f) && !ts.isArrowFunction(f.parent) && !isTaskOf(f)) {
      this.#note(f, "info", "this function is now async: whatever calls it must await it");
    }
  }

  #isAssertion(node: ts.Expression): boolean {
    let n: ts.Expression = node;
    for (;;) {
      if (ts.isCallExpression(n)) {
        if (ts.isIdentifier(n.expression) && !this.#declared.has(n.expression.text)) {
          return n.expression.text === "expect" || n.expression.text === "assert";
        }
        n = n.expression;
      } else if (ts.isPropertyAccessExpression(n)) n = n.expression;
      else return false;
    }
  }

  #isMock(receiver: ts.Expression): boolean {
    const last = ts.isIdentifier(receiver)
      ? receiver.text
      : ts.isPropertyAccessExpression(receiver)
      ? receiver.name.text
      : undefined;
    if (last !== undefined && this.#mocks.has(last)) return true;
    return ts.isCallExpression(receiver) && madeBy(receiver) === "mockServer";
  }

  #rename(node: ts.Identifier | ts.MemberName, to: string): void {
    if (node.getText(this.#file) === to) return;
    this.#replace(node.getStart(this.#file), node.end, to);
    this.#renames++;
  }

  #replace(start: number, end: number, text: string): void {
    this.#edits.push({ start, end, text, rank: 0 });
  }

  #insert(at: number, text: string, rank = 0): void {
    this.#edits.push({ start: at, end: at, text, rank });
  }

  #note(node: ts.Node, level: MigrationNote["level"], message: string): void {
    const { line, character } = this.#file.getLineAndCharacterOfPosition(node.getStart(this.#file));
    this.#notes.push({ line: line + 1, column: character + 1, level, message });
  }

  #helperOnly(): boolean {
    const statements = this.#file.statements;
    const exports = statements.some((s) =>
      ts.isExportDeclaration(s) || ts.isExportAssignment(s) ||
      (ts.canHaveModifiers(s) &&
        ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
    );
    const runs = statements.some((s) => ts.isExpressionStatement(s));
    return exports && !runs;
  }

  /** The edited text with the import of what it uses first. */
  #render(): string {
    const text = this.#file.text;
    const edits = [...this.#edits].sort((a, b) =>
      a.start - b.start || (a.end - a.start) - (b.end - b.start) || a.rank - b.rank
    );
    let out = "";
    let cursor = 0;
    for (const edit of edits) {
      if (edit.start < cursor) continue; // inside a replaced range
      out += text.slice(cursor, edit.start) + edit.text;
      cursor = Math.max(cursor, edit.end);
    }
    out += text.slice(cursor);
    const names = [...this.#imports].sort((a, b) => a.localeCompare(b));
    const lines: string[] = [];
    if (names.length > 0) lines.push(`import { ${names.join(", ")} } from "@ringo/flow";`);
    if (this.#usesAgentType) lines.push(`import type { Agent } from "@ringo/flow";`);
    const header = `// Migrated from ${this.#options.sourceName ?? "a ringo-flow scenario"} by ` +
      "`ringo flow migrate`.";
    const first = this.#file.statements[0];
    const at = first
      ? leadingCommentEnd(text, first.getFullStart(), first.getStart(this.#file))
      : 0;
    const before = out.slice(0, at);
    const after = out.slice(at).replace(/^\n+/, "");
    const block = [header, ...lines].join("\n");
    return `${before}${before && !before.endsWith("\n\n") ? "\n" : ""}${block}\n\n${after}`;
  }
}

/** An expression whose value `@ringo/flow` may give as undefined: `x.peer`, `x.lastRequest(…)`. */
function mayBeAbsent(node: ts.Expression): boolean {
  if (ts.isPropertyAccessExpression(node)) return OPTIONAL_GETTERS.has(node.name.text);
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) &&
    OPTIONAL_RESULTS.has(node.expression.name.text);
}

/** Which `@ringo/flow` maker an expression calls: `agent(…)`, `new Agent(…)`, `mockServer(…)`… */
function madeBy(node: ts.Expression): "agent" | "mockServer" | undefined {
  let n = node;
  while (ts.isAwaitExpression(n) || ts.isParenthesizedExpression(n)) n = n.expression;
  const callee = ts.isCallExpression(n) || ts.isNewExpression(n) ? n.expression : undefined;
  if (!callee || !ts.isIdentifier(callee)) return undefined;
  const name = CONSTRUCTORS[callee.text] ?? GLOBALS[callee.text]?.to;
  return name === "agent" || name === "mockServer" ? name : undefined;
}

function isEachTable(node: ts.Expression): boolean {
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === "each" && ts.isIdentifier(node.expression.expression) &&
    node.expression.expression.text === "scenario";
}

function isFunction(node: ts.Node): node is FunctionNode {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) || ts.isMethodDeclaration(node);
}

/**
 * A function whose parameters the callee types: an argument of a call, or
 * a property or method of an object literal that is one.
 */
function isContextuallyTyped(node: FunctionNode): boolean {
  if (ts.isFunctionDeclaration(node)) return false;
  let p: ts.Node = ts.isMethodDeclaration(node) ? node : node.parent;
  while (ts.isParenthesizedExpression(p)) p = p.parent;
  if (ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p)) {
    p = p.parent; // the object literal
    if (!ts.isObjectLiteralExpression(p)) return false;
    p = p.parent;
    while (ts.isParenthesizedExpression(p)) p = p.parent;
  }
  return ts.isCallExpression(p) || ts.isNewExpression(p);
}

/** Globals of JavaScript itself: their methods are never verbs (`Promise.reject`). */
const BUILTINS = new Set([
  "Promise",
  "Object",
  "Array",
  "JSON",
  "Math",
  "Reflect",
  "console",
  "Deno",
  "Date",
  "Number",
  "String",
]);

/** Local names of imported functions that became async in their own files. */
function importedAsyncNames(file: ts.SourceFile, options: MigrateOptions): string[] {
  const names: string[] = [];
  for (const s of file.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier)) continue;
    const bindings = s.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const e of bindings.elements) {
      const imported = (e.propertyName ?? e.name).text;
      if (options.importedAsync?.(s.moduleSpecifier.text, imported)) names.push(e.name.text);
    }
  }
  return names;
}

/** True when `name` is declared with `export` at the top level, or named in an export list. */
function isExported(file: ts.SourceFile, name: string): boolean {
  return file.statements.some((s) => {
    const exported = ts.canHaveModifiers(s) &&
      ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported && ts.isFunctionDeclaration(s)) return s.name?.text === name;
    if (exported && ts.isVariableStatement(s)) {
      return s.declarationList.declarations.some((d) =>
        ts.isIdentifier(d.name) && d.name.text === name
      );
    }
    if (ts.isExportDeclaration(s) && s.exportClause && ts.isNamedExports(s.exportClause)) {
      return s.exportClause.elements.some((e) => (e.propertyName ?? e.name).text === name);
    }
    return false;
  });
}

/** Where `async` goes: before `function` (after `export`), before a method's name, else first. */
function asyncPosition(node: FunctionNode, file: ts.SourceFile): number {
  if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) {
    const keyword = node.getChildren(file).find((c) => c.kind === ts.SyntaxKind.FunctionKeyword);
    if (keyword) return keyword.getStart(file);
  }
  if (ts.isMethodDeclaration(node)) return node.name.getStart(file);
  return node.getStart(file);
}

/** A function in an array given to a call (`parallel([…])`): the call runs it. */
function isTaskOf(node: FunctionNode): boolean {
  const list = node.parent;
  return ts.isArrayLiteralExpression(list) && ts.isCallExpression(list.parent);
}

function functionName(node: FunctionNode): string | undefined {
  if (ts.isFunctionDeclaration(node) && node.name) return node.name.text;
  const p = node.parent;
  if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

/** True when `node` names a parameter of a function around it (which shadows outer names). */
function isParameterOf(node: ts.Identifier): boolean {
  for (let p: ts.Node | undefined = node.parent; p; p = p.parent) {
    if (
      isFunction(p) &&
      p.parameters.some((q) => ts.isIdentifier(q.name) && q.name.text === node.text)
    ) return true;
  }
  return false;
}

function isDeclarationName(node: ts.Identifier): boolean {
  const p = node.parent;
  return (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) ||
    ts.isBindingElement(p) || ts.isClassDeclaration(p) || ts.isImportSpecifier(p) ||
    ts.isImportClause(p) || ts.isFunctionExpression(p)) && (p as { name?: ts.Node }).name === node;
}

function hasParens(fn: ts.ArrowFunction, file: ts.SourceFile): boolean {
  return fn.getText(file).trimStart().startsWith("(") ||
    fn.getText(file).trimStart().startsWith("async (");
}

/** Whether a `json()` call's value is read further (a property, arithmetic): it is typed `any`. */
function wantsAny(call: ts.CallExpression): boolean {
  if (call.typeArguments) return false;
  const p = call.parent;
  if (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) {
    return p.expression === call;
  }
  if (ts.isBinaryExpression(p)) {
    const k = p.operatorToken.kind;
    return ![
      ts.SyntaxKind.EqualsEqualsToken,
      ts.SyntaxKind.EqualsEqualsEqualsToken,
      ts.SyntaxKind.ExclamationEqualsToken,
      ts.SyntaxKind.ExclamationEqualsEqualsToken,
      ts.SyntaxKind.EqualsToken,
      ts.SyntaxKind.BarBarToken,
      ts.SyntaxKind.AmpersandAmpersandToken,
      ts.SyntaxKind.QuestionQuestionToken,
    ].includes(k);
  }
  return false;
}

/**
 * Where the import goes: after the file's header comment (comments
 * followed by a blank line before the first statement), else at its start.
 */
function leadingCommentEnd(text: string, fullStart: number, start: number): number {
  const trivia = text.slice(fullStart, start);
  const gap = trivia.lastIndexOf("\n\n");
  return gap < 0 ? fullStart : fullStart + gap + 2;
}
