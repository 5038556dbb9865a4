// Text that is not natural language but reaches a model anyway (hashes, keys, encoded data, repeated characters,
// long identifiers), generated deterministically with its o200k_base and cl100k_base counts (gpt-tokenizer), so the
// tests can check the counter never under-counts it either. Not part of the build:
//   NODE_PATH=/tmp/tok/node_modules node adversarial.mjs ../../tests/RoutingCore.Tests/TestData/token-adversarial.json
import { createRequire } from 'module';
import { writeFileSync } from 'fs';
const require = createRequire(import.meta.url);
const o200k = require('gpt-tokenizer/cjs/encoding/o200k_base');
const cl100k = require('gpt-tokenizer/cjs/encoding/cl100k_base');
let seed = 20261122;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const pick = s => s[Math.floor(rnd() * s.length)];
const run = (alphabet, n) => Array.from({ length: n }, () => pick(alphabet)).join('');
const lower = 'abcdefghijklmnopqrstuvwxyz', hex = '0123456789abcdef', b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const samples = [];
const add = (kind, text) => samples.push({ id: `${kind}-${String(samples.filter(s => s.kind === kind).length).padStart(2, '0')}`, kind, text });
for (const n of [12, 40, 200, 1000, 4000]) add('random-lowercase', run(lower, n));
for (const n of [3, 6, 9]) add('random-words', Array.from({ length: 200 }, () => run(lower, n)).join(' '));
for (const n of [32, 64, 1000]) add('hex', run(hex, n));
for (const n of [44, 400, 4000]) add('base64', run(b64, n));
for (const c of ['a', 'x', '0', '=', ' ', '-', '.']) add('repeated', c.repeat(2000));
add('uuids', Array.from({ length: 40 }, () => `${run(hex, 8)}-${run(hex, 4)}-${run(hex, 4)}-${run(hex, 4)}-${run(hex, 12)}`).join('\n'));
add('snake-identifiers', Array.from({ length: 150 }, () => Array.from({ length: 4 }, () => run(lower, 5)).join('_')).join(', '));
add('numbers', Array.from({ length: 300 }, () => String(Math.floor(rnd() * 1e9))).join(' '));
add('digits', run('0123456789', 2000));
add('random-mixed-case', run('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 2000));
add('random-ascii', run(Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join(''), 2000));
for (const s of samples) { s.o200k = o200k.encode(s.text).length; s.cl100k = cl100k.encode(s.text).length; }
writeFileSync(process.argv[2], JSON.stringify({ tokenizer: 'gpt-tokenizer ' + require('gpt-tokenizer/package.json').version, samples }, null, 0)
  .replace(/\},\{"id"/g, '},\n{"id"') + '\n');
console.log(`${samples.length} adversarial samples`);
