// Measures RoutingCore's HeuristicTokenCounter against OpenAI's o200k_base and cl100k_base tokenizers
// (the gpt-tokenizer npm package). Not part of the build:
//   npm install --prefix /tmp/tok gpt-tokenizer@2 && NODE_PATH=/tmp/tok/node_modules node measure.mjs
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const o200k = require('gpt-tokenizer/cjs/encoding/o200k_base');
const cl100k = require('gpt-tokenizer/cjs/encoding/cl100k_base');

// The same rule as HeuristicTokenCounter.CountTokens, on UTF-8 bytes.
function heuristic(text) {
  const b = Buffer.from(text, 'utf8');
  let ascii = 0, two = 0, three = 0, four = 0;
  for (const x of b) {
    if (x < 0x80) ascii++; else if (x >= 0xF0) four++; else if (x >= 0xE0) three++; else if (x >= 0xC0) two++;
  }
  return Math.ceil(ascii / 4) + Math.ceil(two / 2) + three + 2 * four;
}

const prompts = {
  'English question': 'What is the capital of Australia, and why was it chosen over Sydney and Melbourne? Please answer in two short paragraphs.',
  'English instructions': 'You are a helpful assistant for a travel agency. Always answer politely, never invent prices, and when you do not know something, say so and suggest where the customer could find the answer.',
  'Python code': 'def fibonacci(n: int) -> list[int]:\n    seq = [0, 1]\n    while len(seq) < n:\n        seq.append(seq[-1] + seq[-2])\n    return seq[:n]\n\nprint(fibonacci(10))\n',
  'JSON tool schema': '{"type":"function","function":{"name":"get_weather","description":"Get the current weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}}}',
  'Russian': 'Привет! Расскажи, пожалуйста, как работает маршрутизация запросов между разными языковыми моделями.',
  'German': 'Könnten Sie mir bitte erklären, wie die Straßenbahn in München funktioniert und wo ich Fahrkarten kaufe?',
  'Japanese': '東京で一番おいしいラーメン屋さんを教えてください。予算は千円くらいです。',
  'Chinese': '请用三句话解释什么是大型语言模型，以及它们如何处理图片输入。',
  'Arabic': 'مرحبا، هل يمكنك مساعدتي في كتابة رسالة شكر قصيرة لزميلي في العمل؟',
  'Hindi': 'कृपया मुझे बताइए कि कल दिल्ली में मौसम कैसा रहेगा।',
  'Emoji chat': 'Great job team 🎉🎉 the launch went smoothly 🚀 see you all at the party tonight 🍕🍻',
};

console.log('| prompt | bytes | heuristic | o200k | cl100k | heuristic / o200k |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, text] of Object.entries(prompts)) {
  const h = heuristic(text), a = o200k.encode(text).length, c = cl100k.encode(text).length;
  console.log(`| ${name} | ${Buffer.byteLength(text)} | ${h} | ${a} | ${c} | ${(h / a).toFixed(2)} |`);
}
