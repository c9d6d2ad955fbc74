#!/usr/bin/env node
// Runs the differential corpus in Node and writes `<name>.expected.json` beside each program.
//
// Usage: TZ=UTC node interpreter/tests/corpus/run-node.mjs [files or folders]   (default: all)
//
// Each `.flow` program is the body of an async function, evaluated in strict mode with the
// shimmed globals below (the Rust harness answers effects the same way). See README.md.
import fs from "node:fs";
import path from "node:path";
import util from "node:util";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NOW = 1767225600000; // 2026-01-01T00:00:00.000Z

if (process.env.TZ !== "UTC") {
  console.error("run with TZ=UTC (Date constructors with components use local time)");
  process.exit(2);
}

/** `Date` with a fixed clock: `new Date()` and `Date.now()` give NOW; other forms are real. */
const FlowDate = new Proxy(Date, {
  construct(target, args) {
    return args.length === 0 ? new target(NOW) : new target(...args);
  },
  apply(target) {
    return new target(NOW).toString();
  },
  get(target, prop, receiver) {
    if (prop === "now") return () => NOW;
    return Reflect.get(target, prop, receiver);
  },
});

/** What crosses the workflow boundary is converted as `JSON.stringify` converts it. */
function wire(value) {
  const json = JSON.stringify(value);
  return json === undefined ? null : JSON.parse(json);
}

function shims(stem, logs) {
  const Task = {
    run(name, inputs, _options) {
      if (String(name).startsWith("fail")) {
        return Promise.reject({
          type: "TaskFailed",
          name: "TaskFailed",
          message: `task ${name} failed`,
          task: name,
          attempts: 1,
          cause: { type: "Error", message: "boom" },
        });
      }
      return Promise.resolve({ task: name, inputs: wire(inputs) });
    },
  };
  const Timer = {
    delay: (_duration) => Promise.resolve(null),
    until: (_at) => Promise.resolve(null),
  };
  const Signal = {
    next: (name, _options) => Promise.resolve({ signal: name }),
    when: (name, _options) => Promise.resolve({ signal: name }),
  };
  const Workflow = {
    run: (name, inputs, _options) => Promise.resolve({ workflow: name, inputs: wire(inputs) }),
  };
  const Context = { executionId: "exec-1", workflowName: stem };
  const console = { log: (...args) => logs.push(util.format(...args)) };
  return { Task, Timer, Signal, Workflow, Context, console, Date: FlowDate };
}

// A handle may be awaited later than it fails (as in a workflow); that is not an error here.
process.on("unhandledRejection", () => {});

const AsyncFunction = (async function () {}).constructor;

async function runOne(file) {
  const text = fs.readFileSync(file, "utf8");
  const stem = path.basename(file, ".flow");
  let inputs = {};
  const first = text.split("\n", 1)[0];
  const m = /^\/\/ inputs: (.*)$/.exec(first);
  if (m) inputs = JSON.parse(m[1]);
  const logs = [];
  const globals = shims(stem, logs);
  const names = ["Inputs", ...Object.keys(globals)];
  let fn;
  try {
    fn = new AsyncFunction(...names, `"use strict";\n${text}`);
  } catch (e) {
    throw new Error(`${file}: ${e.name}: ${e.message}`);
  }
  let result;
  try {
    const value = await fn(inputs, ...Object.values(globals));
    const json = JSON.stringify(value);
    result = { output: json === undefined ? null : json, logs };
  } catch (e) {
    const isObj = e !== null && (typeof e === "object" || typeof e === "function");
    const name = isObj ? (e.name ?? e.type ?? null) : null;
    const message = isObj ? (e.message ?? null) : null;
    result = { error: { name, message }, logs };
  }
  const out = file.replace(/\.flow$/, ".expected.json");
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
  return result;
}

function collect(p, acc) {
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    for (const entry of fs.readdirSync(p).sort()) collect(path.join(p, entry), acc);
  } else if (p.endsWith(".flow")) {
    acc.push(p);
  }
  return acc;
}

const targets = process.argv.slice(2);
const files = [];
for (const t of targets.length ? targets : [HERE]) collect(t, files);
let errors = 0;
for (const file of files) {
  const r = await runOne(file);
  if (r.error) errors++;
}
console.log(`${files.length} programs, ${errors} ending in an uncaught error`);
