// Detects chat conversations in observation inputs/outputs, whatever SDK wrote them, and normalises
// them to one shape the UI renders as a conversation. Recognised shapes:
// - OpenAI Chat Completions: [{ role, content: string | parts[], tool_calls, tool_call_id, name }],
//   { messages: [...] }, { choices: [{ message }] }, or one message object.
// - Anthropic Messages: content blocks { type: "text" | "tool_use" | "tool_result" | "image" },
//   { system, messages }.
// - OpenTelemetry GenAI: [{ role, parts: [{ type: "text" | "tool_call" | "tool_call_response", ... }] }].
// - OpenInference flattened messages arrive already as objects with role/content.

/** One piece of a message. */
export type ChatPart =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "tool-call"; readonly id: string | null; readonly name: string; readonly arguments: unknown }
  | { readonly kind: "tool-result"; readonly id: string | null; readonly content: unknown }
  | { readonly kind: "image"; readonly url: string | null }
  | { readonly kind: "data"; readonly value: unknown };

/** A normalised chat message. */
export interface ChatMessage {
  /** `system`, `user`, `assistant`, `tool`, or whatever role the source used. */
  readonly role: string;
  /** A participant name (OpenAI `name`), when given. */
  readonly name: string | null;
  readonly parts: readonly ChatPart[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** Tool arguments are often a JSON string: show them parsed when they parse. */
function parseMaybeJson(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

function partOf(block: unknown): ChatPart {
  if (typeof block === "string") return { kind: "text", text: block };
  if (!isObject(block)) return { kind: "data", value: block };
  const type = str(block.type);
  switch (type) {
    case "text":
    case "input_text":
    case "output_text":
      return { kind: "text", text: str(block.text) ?? str(block.content) ?? "" };
    case "tool_use": // Anthropic
      return { kind: "tool-call", id: str(block.id), name: str(block.name) ?? "tool", arguments: block.input };
    case "tool_call": // GenAI
    case "function_call":
      return { kind: "tool-call", id: str(block.id) ?? str(block.call_id), name: str(block.name) ?? "tool", arguments: parseMaybeJson(block.arguments) };
    case "tool_result": // Anthropic
      return { kind: "tool-result", id: str(block.tool_use_id), content: contentValue(block.content) };
    case "tool_call_response": // GenAI
    case "function_call_output":
      return { kind: "tool-result", id: str(block.id) ?? str(block.call_id), content: parseMaybeJson(block.response ?? block.output) };
    case "image_url": {
      const url = isObject(block.image_url) ? str(block.image_url.url) : str(block.image_url);
      return { kind: "image", url };
    }
    case "image": {
      const source = isObject(block.source) ? block.source : {};
      const url = str(source.url) ?? (str(source.data) !== null ? `data:${str(source.media_type) ?? "image/png"};base64,${str(source.data) ?? ""}` : null);
      return { kind: "image", url };
    }
    default:
      if (type === null && typeof block.text === "string") return { kind: "text", text: block.text };
      return { kind: "data", value: block };
  }
}

/** Anthropic tool_result content: a string or text blocks; simplify to a string when it is all text. */
function contentValue(content: unknown): unknown {
  if (!Array.isArray(content)) return parseMaybeJson(content);
  if (content.every((b) => isObject(b) && b.type === "text" && typeof b.text === "string")) {
    return parseMaybeJson(content.map((b) => (b as { text: string }).text).join("\n"));
  }
  return content;
}

function toolCallsOf(calls: unknown): ChatPart[] {
  if (!Array.isArray(calls)) return [];
  return calls.map((call): ChatPart => {
    if (!isObject(call)) return { kind: "data", value: call };
    const fn = isObject(call.function) ? call.function : call;
    return { kind: "tool-call", id: str(call.id), name: str(fn.name) ?? "tool", arguments: parseMaybeJson(fn.arguments) };
  });
}

const ROLE_ALIASES: Record<string, string> = { human: "user", ai: "assistant", model: "assistant", developer: "system", function: "tool" };

/** One message object → normalised, or null when it is not a message. */
export function messageOf(value: unknown): ChatMessage | null {
  if (!isObject(value)) return null;
  const rawRole = str(value.role) ?? str(value.type);
  if (rawRole === null || rawRole === "") return null;
  const role = ROLE_ALIASES[rawRole.toLowerCase()] ?? rawRole.toLowerCase();
  if (!("content" in value) && !("parts" in value) && !("tool_calls" in value) && !("function_call" in value)) return null;
  const parts: ChatPart[] = [];
  const content = value.parts ?? value.content;
  if (typeof content === "string") {
    if (role === "tool" || value.tool_call_id !== undefined) {
      parts.push({ kind: "tool-result", id: str(value.tool_call_id), content: parseMaybeJson(content) });
    } else if (content !== "") parts.push({ kind: "text", text: content });
  } else if (Array.isArray(content)) {
    for (const block of content) parts.push(partOf(block));
  } else if (content !== null && content !== undefined) {
    parts.push({ kind: "data", value: content });
  }
  parts.push(...toolCallsOf(value.tool_calls));
  if (isObject(value.function_call)) parts.push(...toolCallsOf([{ function: value.function_call }]));
  return { role, name: str(value.name), parts };
}

function messagesOf(list: readonly unknown[]): ChatMessage[] | null {
  if (list.length === 0) return null;
  const messages: ChatMessage[] = [];
  for (const item of list) {
    const m = messageOf(item);
    if (m === null) return null;
    messages.push(m);
  }
  return messages;
}

/**
 * The chat messages in an input or output value, or null when it is not a conversation (then the
 * UI shows the JSON tree). A string that holds JSON is parsed first.
 *
 * @example
 * detectChat([{ role: "user", content: "Hi" }]) // [{ role: "user", name: null, parts: [{ kind: "text", text: "Hi" }] }]
 */
export function detectChat(value: unknown): ChatMessage[] | null {
  const v = typeof value === "string" ? parseMaybeJson(value) : value;
  if (Array.isArray(v)) return messagesOf(v);
  if (!isObject(v)) return null;
  if (Array.isArray(v.messages)) {
    const messages = messagesOf(v.messages);
    if (messages === null) return null;
    const system = v.system;
    if (typeof system === "string" && system !== "") return [{ role: "system", name: null, parts: [{ kind: "text", text: system }] }, ...messages];
    if (Array.isArray(system)) return [{ role: "system", name: null, parts: system.map(partOf) }, ...messages];
    return messages;
  }
  if (Array.isArray(v.choices)) {
    const choices = v.choices.map((c) => (isObject(c) ? (c.message ?? c.delta) : undefined));
    return messagesOf(choices);
  }
  // Anthropic response: { type: "message", role: "assistant", content: [...] }
  const single = messageOf(v);
  return single === null ? null : [single];
}

/** The plain text of a message (text parts joined), for previews and search. */
export function messageText(message: ChatMessage): string {
  return message.parts
    .filter((p): p is Extract<ChatPart, { kind: "text" }> => p.kind === "text")
    .map((p) => p.text)
    .join("\n");
}

/** Keys whose string value is "the text" of a small input/output object (`{ answer: "..." }`). */
const TEXT_KEYS = ["content", "text", "message", "answer", "question", "query", "output", "input", "response", "result", "completion", "prompt"];

/**
 * The main text of a value: a string as it is, or the string under one of the usual keys of a
 * small object (`{ question: "..." }` → the question); null when there is none.
 */
export function mainTextOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (!isObject(value)) return null;
  for (const key of TEXT_KEYS) {
    const v = value[key];
    if (typeof v === "string" && v.trim() !== "") return v;
  }
  return null;
}

/**
 * A one-line preview of any input/output value: the last user message of a conversation, the
 * text of a string, or compact JSON. Used in tables and the session conversation view.
 */
export function previewOf(value: unknown, maxChars = 200): string {
  if (value === null || value === undefined) return "";
  const chat = detectChat(value);
  let text: string;
  if (chat !== null) {
    const last = chat[chat.length - 1];
    text = last === undefined ? "" : messageText(last) || last.parts.map((p) => (p.kind === "tool-call" ? `${p.name}(…)` : "")).join(" ");
  } else if (mainTextOf(value) !== null) text = mainTextOf(value) ?? "";
  else {
    try {
      text = JSON.stringify(value);
    } catch {
      text = String(value);
    }
  }
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > maxChars ? `${oneLine.slice(0, maxChars - 1)}…` : oneLine;
}
