import { useMemo, useState } from "react";
import type { ChatMessage, ChatPart } from "../model/chat-messages.js";
import { detectChat } from "../model/chat-messages.js";
import { CopyButton } from "./CopyButton.js";
import { JsonTree } from "./JsonTree.js";

type Mode = "pretty" | "json" | "raw";

/** Stringifies for the raw view and copying: strings as they are, the rest as indented JSON. */
export function rawText(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value, null, 2) ?? "";
  } catch {
    return String(value);
  }
}

function Part({ part }: { part: ChatPart }) {
  switch (part.kind) {
    case "text":
      return <div className="msg-text">{part.text}</div>;
    case "tool-call":
      return (
        <div className="tool-call">
          <div className="tool-head">
            <span className="tool-icon">ƒ</span> <strong>{part.name}</strong>
            {part.id !== null ? <span className="muted mono"> {part.id}</span> : null}
          </div>
          {typeof part.arguments === "object" && part.arguments !== null ? <JsonTree value={part.arguments} openDepth={3} /> : <pre className="raw">{rawText(part.arguments)}</pre>}
        </div>
      );
    case "tool-result":
      return (
        <div className="tool-result">
          <div className="tool-head">
            <span className="tool-icon">↩</span> <strong>Tool result</strong>
            {part.id !== null ? <span className="muted mono"> {part.id}</span> : null}
          </div>
          {typeof part.content === "object" && part.content !== null ? <JsonTree value={part.content} openDepth={2} /> : <div className="msg-text">{rawText(part.content)}</div>}
        </div>
      );
    case "image":
      return part.url === null ? <div className="muted">[image]</div> : <img className="msg-image" src={part.url} alt="message attachment" loading="lazy" />;
    case "data":
      return <JsonTree value={part.value} openDepth={1} />;
  }
}

/** A conversation: one bubble per message, coloured by role, tool calls and results inline. */
export function ChatView({ messages }: { messages: readonly ChatMessage[] }) {
  return (
    <div className="chat">
      {messages.map((m, i) => (
        <div key={i} className={`msg role-${m.role}`}>
          <div className="msg-role">
            {m.role}
            {m.name !== null ? <span className="muted"> · {m.name}</span> : null}
          </div>
          {m.parts.length === 0 ? <div className="muted">(empty)</div> : m.parts.map((p, j) => <Part key={j} part={p} />)}
        </div>
      ))}
    </div>
  );
}

/**
 * An input or output: as a conversation when it is one, a JSON tree for structured values, text
 * for strings; a JSON and a raw view on demand, and a copy button.
 */
export function IoViewer({ title, value }: { title: string; value: unknown }) {
  const [mode, setMode] = useState<Mode>("pretty");
  const chat = useMemo(() => detectChat(value), [value]);
  const raw = useMemo(() => rawText(value), [value]);
  const empty = value === null || value === undefined || value === "";
  return (
    <section className="io" aria-label={title}>
      <header className="io-head">
        <h3>{title}</h3>
        <div className="seg" role="tablist">
          {(["pretty", "json", "raw"] as const).map((m) => (
            <button key={m} type="button" role="tab" aria-selected={mode === m} className={mode === m ? "on" : ""} onClick={() => setMode(m)}>
              {m === "pretty" ? (chat !== null ? "Chat" : "Pretty") : m === "json" ? "JSON" : "Raw"}
            </button>
          ))}
        </div>
        <CopyButton text={raw} />
      </header>
      <div className="io-body">
        {empty ? (
          <div className="muted">No {title.toLowerCase()}.</div>
        ) : mode === "raw" ? (
          <pre className="raw">{raw}</pre>
        ) : mode === "json" || (chat === null && typeof value === "object") ? (
          <JsonTree value={value} />
        ) : chat !== null ? (
          <ChatView messages={chat} />
        ) : (
          <div className="msg-text">{raw}</div>
        )}
      </div>
    </section>
  );
}
