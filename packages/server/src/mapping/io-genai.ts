import type { AttributeMap, DecodedSpanEvent } from "../otlp/otlp-span.js";
import { GenAI } from "./convention-keys.js";
import type { Extracted, Extractor, IoContext } from "./io-source.js";
import { decodeAttributeValue, isPlainObject } from "./json-value.js";

/**
 * Input/output extractors for the OpenTelemetry GenAI conventions in their successive forms:
 * the `gen_ai.client.inference.operation.details` event (semconv 1.37+), the older per-message
 * events, Semantic Kernel's content events, Logfire's `events` attribute and the message
 * attributes `gen_ai.input.messages` / `gen_ai.output.messages`.
 */

const INFERENCE_DETAILS_EVENT = "gen_ai.client.inference.operation.details";
const CHOICE_EVENT = "gen_ai.choice";
/** Older per-message events, and the role each one stands for. */
const MESSAGE_EVENTS: ReadonlyMap<string, string> = new Map([
  ["gen_ai.system.message", "system"],
  ["gen_ai.user.message", "user"],
  ["gen_ai.assistant.message", "assistant"],
  ["gen_ai.tool.message", "tool"],
]);

/**
 * Messages with the system instructions in front, as a `system` message: semconv keeps them
 * apart (`gen_ai.system_instructions`), but a reader of the input wants to see them first.
 */
export function withSystemInstructions(messages: unknown, instructions: unknown): unknown {
  if (instructions === undefined || instructions === null || instructions === "") return messages;
  const system = Array.isArray(instructions) ? { role: "system", parts: instructions } : { role: "system", content: instructions };
  if (messages === undefined || messages === null) return [system];
  return Array.isArray(messages) ? [system, ...(messages as unknown[])] : [system, messages];
}

function lastEvent(events: readonly DecodedSpanEvent[], name: string): DecodedSpanEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]?.name === name) return events[i];
  return undefined;
}

/** Input of the semconv 1.37+ inference event: its `gen_ai.input.messages`, system instructions first. */
export const inferenceEventInput: Extractor = ({ events }) => {
  const event = lastEvent(events, INFERENCE_DETAILS_EVENT);
  if (event === undefined) return undefined;
  const messages = decodeAttributeValue(event.attributes[GenAI.INPUT_MESSAGES]);
  const value = withSystemInstructions(messages, decodeAttributeValue(event.attributes[GenAI.SYSTEM_INSTRUCTIONS]));
  return value === undefined ? undefined : { value, keys: [], events: [event] };
};

/** Output of the semconv 1.37+ inference event: its `gen_ai.output.messages`. */
export const inferenceEventOutput: Extractor = ({ events }) => {
  const event = lastEvent(events, INFERENCE_DETAILS_EVENT);
  if (event === undefined) return undefined;
  const value = decodeAttributeValue(event.attributes[GenAI.OUTPUT_MESSAGES]);
  return value === undefined ? undefined : { value, keys: [], events: [event] };
};

function eventAttributes(attributes: AttributeMap): Record<string, unknown> {
  return { ...attributes };
}

/** Input of the older message events: one `{ role, ...attributes }` per event, in order. */
export const messageEventsInput: Extractor = ({ events }) => {
  const used = events.filter((e) => MESSAGE_EVENTS.has(e.name));
  if (used.length === 0) return undefined;
  return { value: used.map((e) => ({ role: MESSAGE_EVENTS.get(e.name), ...eventAttributes(e.attributes) })), keys: [], events: used };
};

/** Output of the older `gen_ai.choice` events: the choice's attributes (a list when several). */
export const choiceEventsOutput: Extractor = ({ events }) => {
  const used = events.filter((e) => e.name === CHOICE_EVENT);
  if (used.length === 0) return undefined;
  const choices = used.map((e) => eventAttributes(e.attributes));
  return { value: choices.length === 1 ? choices[0] : choices, keys: [], events: used };
};

/** Semantic Kernel's legacy content events: the event's text attribute, else all its attributes. */
function contentEvent(eventName: string, textKey: string): Extractor {
  return ({ events }) => {
    const event = lastEvent(events, eventName);
    if (event === undefined) return undefined;
    const text = event.attributes[textKey];
    const value = text !== undefined && text !== null ? decodeAttributeValue(text) : eventAttributes(event.attributes);
    return { value, keys: [], events: [event] };
  };
}

/** Input of Semantic Kernel's `gen_ai.content.prompt` event. */
export const contentPromptEvent = contentEvent("gen_ai.content.prompt", "gen_ai.prompt");
/** Output of Semantic Kernel's `gen_ai.content.completion` event. */
export const contentCompletionEvent = contentEvent("gen_ai.content.completion", "gen_ai.completion");

/** Logfire's `events` attribute: a JSON list of GenAI events; choices are output, the rest input. */
function logfireEvents(ctx: IoContext): { input: unknown[]; output: unknown } | undefined {
  const events = decodeAttributeValue(ctx.attrs.get("events"));
  if (!Array.isArray(events)) return undefined;
  const isChoice = (e: unknown): boolean => isPlainObject(e) && e["event.name"] === CHOICE_EVENT;
  return { input: events.filter((e) => !isChoice(e)), output: events.find(isChoice) };
}

/** Input from Logfire's `events` attribute. */
export const logfireEventsInput: Extractor = (ctx) => {
  const found = logfireEvents(ctx);
  return found === undefined || found.input.length === 0 ? undefined : { value: found.input, keys: ["events"] };
};

/** Output from Logfire's `events` attribute. */
export const logfireEventsOutput: Extractor = (ctx) => {
  const found = logfireEvents(ctx);
  return found?.output === undefined ? undefined : { value: found.output, keys: ["events"] };
};

/**
 * An extractor of a messages attribute with `gen_ai.system_instructions` put in front (GenAI
 * `gen_ai.input.messages`, Pydantic AI's `pydantic_ai.all_messages`). With `instructionsAlone`,
 * instructions without messages are an input too.
 */
export function messagesWithInstructions(messagesKey: string, instructionsAlone: boolean): Extractor {
  return ({ attrs }): Extracted | undefined => {
    const messages = attrs.get(messagesKey);
    const instructions = attrs.get(GenAI.SYSTEM_INSTRUCTIONS);
    if (messages === undefined && (instructions === undefined || !instructionsAlone)) return undefined;
    const keys = [messagesKey, GenAI.SYSTEM_INSTRUCTIONS].filter((k) => attrs.has(k));
    return { value: withSystemInstructions(decodeAttributeValue(messages), decodeAttributeValue(instructions)), keys };
  };
}
