// Drives the gateway's Anthropic route with the official `@anthropic-ai/sdk` client and prints one JSON line per
// check. Run by OfficialSdkTests with GATEWAY_URL, GATEWAY_KEY, TINY_KEY and NODE_PATH set.
import { createRequire } from 'module';
const require = createRequire(process.env.NODE_PATH + '/');
const sdk = require('@anthropic-ai/sdk');
const Anthropic = sdk.default ?? sdk.Anthropic ?? sdk;
const client = new Anthropic({ baseURL: process.env.GATEWAY_URL + '/anthropic', apiKey: process.env.GATEWAY_KEY, maxRetries: 2 });
const out = (check, value) => console.log(JSON.stringify({ check, ...value }));

try {
  const m = await client.messages.create({ model: 'flux-pinned-claude-sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'Summarise chapter 3.' }] });
  out('messages-create', { ok: true, text: m.content[0].text, input_tokens: m.usage.input_tokens });
} catch (e) { out('messages-create', { ok: false, error: String(e) }); }

try {
  const s = client.messages.stream({ model: 'flux-pinned-claude-sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'Say hello.' }] });
  let text = '';
  s.on('text', t => { text += t; });
  const final = await s.finalMessage();
  out('messages-stream', { ok: true, text, stop: final.stop_reason });
} catch (e) { out('messages-stream', { ok: false, error: String(e) }); }

try {
  const tiny = new Anthropic({ baseURL: process.env.GATEWAY_URL + '/anthropic', apiKey: process.env.TINY_KEY, maxRetries: 2 });
  await tiny.messages.create({ model: 'flux-pinned-claude-sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] });
  out('over-budget', { ok: false, error: 'no error' });
} catch (e) { out('over-budget', { ok: true, status: e.status, type: e.error?.error?.type }); }

// 4. A stream the application abandons after its first text (leaving the loop aborts the request mid-stream).
try {
  const s = client.messages.stream({ model: 'flux-pinned-claude-sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'Count slowly.' }] });
  let deltas = 0;
  for await (const event of s) {
    if (event.type === 'content_block_delta') { deltas++; break; }
  }
  out('cut-stream', { ok: deltas === 1, deltas });
} catch (e) { out('cut-stream', { ok: false, error: String(e) }); }
