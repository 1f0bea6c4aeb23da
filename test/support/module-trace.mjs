/**
 * `node --import ./test/support/module-trace.mjs ...` appends the name of every package the process loads
 * (imported from ES modules or required from CommonJS) to the file $MODULE_TRACE, one per line: what a test
 * of start-up reads to prove what a server never loads.
 */
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { packageOf } from './module-trace-hooks.mjs';

const trace = process.env.MODULE_TRACE;
if (trace) {
  register(new URL('./module-trace-hooks.mjs', import.meta.url), { data: { trace } });
  // CommonJS require() does not pass the ES module hooks (Node 20).
  const Module = createRequire(import.meta.url)('node:module');
  const load = Module._load;
  Module._load = function (request, ...rest) {
    const name = packageOf(request);
    if (name) appendFileSync(trace, `${name}\n`);
    return load.call(this, request, ...rest);
  };
}
