// The conversations seen in the list (or just started), so that a thread opened from there shows
// its title and kind at once; forgotten at sign-out.
import { messages, type Conversation } from '../api/messages';

const known = new Map<number, Conversation>();

export function rememberConversation(c: Conversation): void {
  known.set(c.id, c);
}

export const knownConversation = (id: number): Conversation | null => known.get(id) ?? null;

/** Left (a group): no longer the person's. */
export function forgetConversation(id: number): void {
  known.delete(id);
}

/** Signed out. */
export function forgetConversations(): void {
  known.clear();
}

/** Find a conversation's view: from the list already seen, else from the list's first pages. */
export async function findConversation(id: number): Promise<Conversation | null> {
  const seen = known.get(id);
  if (seen) return seen;
  let cursor: string | null = null;
  for (let i = 0; i < 5; i++) {
    const outcome = await messages.conversations(cursor);
    if (!outcome.ok) return null;
    outcome.data.items.forEach(rememberConversation);
    const found = outcome.data.items.find((c) => c.id === id);
    if (found) return found;
    cursor = outcome.data.next_cursor ?? null;
    if (!cursor) return null;
  }
  return null;
}
