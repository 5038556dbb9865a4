// Adds o200k_base and cl100k_base token counts (the gpt-tokenizer npm package) to every sample of the corpus made
// by make-corpus.py, so the tests can check the heuristic without the tokenizer. Not part of the build:
//   NODE_PATH=/tmp/tok/node_modules node count.mjs corpus.json out.json
import { createRequire } from 'module';
import { readFileSync, writeFileSync } from 'fs';
const require = createRequire(import.meta.url);
const o200k = require('gpt-tokenizer/cjs/encoding/o200k_base');
const cl100k = require('gpt-tokenizer/cjs/encoding/cl100k_base');
const samples = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const s of samples) {
  s.o200k = o200k.encode(s.text).length;
  s.cl100k = cl100k.encode(s.text).length;
}
const tokenizer = require('gpt-tokenizer/package.json');
writeFileSync(process.argv[3], JSON.stringify({ tokenizer: `gpt-tokenizer ${tokenizer.version}`, samples }, null, 0)
  .replace(/\},\{"id"/g, '},\n{"id"') + '\n');
console.log(`${samples.length} samples counted with gpt-tokenizer ${tokenizer.version}`);
