import { detectChat, mainTextOf, messageText, previewOf } from "./chat-messages.js";

/** The trace fields a conversation view needs. */
export interface TurnSource {
  readonly id: string;
  readonly timestamp: string | null;
  readonly name: string | null;
  readonly input: unknown;
  readonly output: unknown;
  readonly latency: number | null;
  readonly level: string;
}

/** One turn of a session: what the user said and what came back, linked to its trace. */
export interface SessionTurn {
  readonly traceId: string;
  readonly timestamp: string | null;
  readonly name: string | null;
  readonly userText: string;
  readonly assistantText: string;
  readonly latency: number | null;
  readonly isError: boolean;
}

/** The text a user typed in a trace input: the last user message of a chat, or the input itself. */
function userTextOf(input: unknown): string {
  const chat = detectChat(input);
  if (chat !== null) {
    for (let i = chat.length - 1; i >= 0; i--) {
      const m = chat[i];
      if (m !== undefined && m.role === "user") return messageText(m);
    }
  }
  return mainTextOf(input) ?? previewOf(input, 4000);
}

/** The reply in a trace output: the assistant message text, or the output itself. */
function assistantTextOf(output: unknown): string {
  const chat = detectChat(output);
  if (chat !== null) {
    const text = chat.filter((m) => m.role === "assistant").map(messageText).join("\n").trim();
    if (text !== "") return text;
  }
  return mainTextOf(output) ?? previewOf(output, 4000);
}

/**
 * A session's traces as a conversation in time order (oldest first), one turn per trace.
 * Inputs and outputs in any supported chat shape reduce to the user's and the assistant's text.
 */
export function sessionTurns(traces: readonly TurnSource[]): SessionTurn[] {
  return [...traces]
    .sort((a, b) => (a.timestamp ?? "").localeCompare(b.timestamp ?? ""))
    .map((t) => ({
      traceId: t.id,
      timestamp: t.timestamp,
      name: t.name,
      userText: userTextOf(t.input),
      assistantText: assistantTextOf(t.output),
      latency: t.latency,
      isError: t.level === "ERROR",
    }));
}
