// Drives the gateway with the official `openai` npm client, as an application would, and prints one JSON line per
// check. Run by OfficialSdkTests with GATEWAY_URL, GATEWAY_KEY, TINY_KEY and NODE_PATH set.
import { createRequire } from 'module';
const require = createRequire(process.env.NODE_PATH + '/');
const OpenAI = require('openai').default ?? require('openai');
const client = new OpenAI({ baseURL: process.env.GATEWAY_URL + '/v1', apiKey: process.env.GATEWAY_KEY, maxRetries: 2 });
const out = (check, value) => console.log(JSON.stringify({ check, ...value }));

// 1. Chat streaming with the loop every tutorial shows: it reads choices[0] of every chunk.
try {
  const stream = await client.chat.completions.create({ model: 'gpt-5', stream: true, messages: [{ role: 'user', content: 'Say hello.' }] });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0].delta.content ?? '';
  out('chat-stream', { ok: true, text });
} catch (e) { out('chat-stream', { ok: false, error: String(e) }); }

// 2. responses.create
try {
  const r = await client.responses.create({ model: 'gpt-5', input: 'What colour is the sky?' });
  out('responses-create', { ok: true, text: r.output_text, input_tokens: r.usage?.input_tokens });
} catch (e) { out('responses-create', { ok: false, error: String(e) }); }

// 3. responses.stream
try {
  const s = client.responses.stream({ model: 'gpt-5', input: 'Say hello.' });
  let deltas = '';
  for await (const event of s) if (event.type === 'response.output_text.delta') deltas += event.delta;
  const final = await s.finalResponse();
  out('responses-stream', { ok: true, text: deltas, final: final.output_text });
} catch (e) { out('responses-stream', { ok: false, error: String(e) }); }

// 4. Over budget: a typed error with the gateway's code, and no retries (x-should-retry: false).
try {
  const tiny = new OpenAI({ baseURL: process.env.GATEWAY_URL + '/v1', apiKey: process.env.TINY_KEY, maxRetries: 2 });
  await tiny.chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'x' }] });
  out('over-budget', { ok: false, error: 'no error' });
} catch (e) { out('over-budget', { ok: true, status: e.status, code: e.code }); }

// 5. models.list: every entry carries created.
try {
  const page = await client.models.list();
  out('models', { ok: true, count: page.data.length, created: page.data.every(m => typeof m.created === 'number' && m.created > 0) });
} catch (e) { out('models', { ok: false, error: String(e) }); }

// 6. images.generate through the images route.
try {
  const img = await client.images.generate({ model: 'flux-image', prompt: 'A watercolor fox curled up asleep in a library' });
  out('images', { ok: true, count: img.data.length });
} catch (e) { out('images', { ok: false, error: String(e) }); }

// 7. A chat stream the application abandons after its first chunk (the request is aborted mid-stream).
try {
  const controller = new AbortController();
  const stream = await client.chat.completions.create({ model: 'gpt-5', stream: true, messages: [{ role: 'user', content: 'Count to twenty.' }] }, { signal: controller.signal });
  let chunks = 0;
  try {
    for await (const chunk of stream) { chunks++; if (chunks === 2) controller.abort(); }
  } catch (e) { /* the abort ends the loop */ }
  out('cut-stream', { ok: chunks >= 2, chunks });
} catch (e) { out('cut-stream', { ok: false, error: String(e) }); }
