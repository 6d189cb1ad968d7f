// « Messages »: the person's conversations (/messages), starting one (/messages/new) and one
// conversation's thread (/messages/{id}, which pushes open). Every text the server sends (titles,
// names, messages) is rendered as text; links in messages become <a> elements (http(s) only).
import { useEffect, useRef, useState } from 'preact/hooks';
import { messages, type ChatMessage, type Conversation, type Correspondents } from '../api/messages';
import { problemMessage, type Failure } from '../api/problems';
import { useAuth } from '../auth';
import { Button, Field, Notice, ProblemAlert, TextArea } from '../components/Form';
import { useConfig } from '../config';
import { PagedList } from '../components/PagedList';
import { usePages } from '../components/usePages';
import { useI18n } from '../i18n';
import { formatShortDateTime } from '../i18n/format';
import { findConversation, forgetConversation, knownConversation, rememberConversation } from '../messages/conversations';
import { liveConnected, onLive, setOpenThread } from '../messages/live';
import { deleteQueued, delivered, flushOutbox, hasPending, onSent, queueMessage, retryLater, transient, useOutbox, type Queued } from '../messages/outbox';
import { MessageText } from '../messages/text';
import { refreshUnread } from '../messages/unread';
import { navigate } from '../router';

export const conversationPath = (id: number) => `/messages/${id}`;

/** A new key for a message (the server answers the first copy again for a key already used). */
export function newClientKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function ConversationRow({ item }: { item: Conversation }) {
  const { t, lang } = useI18n();
  const last = item.last_message;
  return (
    <li class={`help-row conv-row${item.unread > 0 ? ' help-unread' : ''}`} data-testid="conv-item" data-id={item.id}>
      <a class="help-link" href={conversationPath(item.id)} onClick={() => rememberConversation(item)}>
        <span class="help-text">
          <span class="help-subject" data-testid="conv-title">
            {item.title}
          </span>
          {item.muted && (
            <span class="badge" data-testid="conv-muted">
              {t('messages.muted')}
            </span>
          )}
          {item.unread > 0 && (
            <span class="badge badge-brand" data-testid="conv-unread" aria-label={t('messages.unreadCount', { n: String(item.unread) })}>
              {item.unread}
            </span>
          )}
          <span class="muted block conv-preview" data-testid="conv-preview">
            {last ? `${last.author} : ${last.body}` : t('messages.noMessage')}
          </span>
          {last && (
            <span class="muted help-date">
              <time dateTime={last.at}>{formatShortDateTime(last.at, lang)}</time>
            </span>
          )}
        </span>
      </a>
    </li>
  );
}

/** /messages: the person's conversations, latest activity first. */
export function MessagesHome() {
  const { t } = useI18n();
  const pages = usePages(async (cursor) => {
    const outcome = await messages.conversations(cursor);
    if (outcome.ok) outcome.data.items.forEach(rememberConversation);
    return outcome;
  }, []);
  const auth = useAuth();
  const me = auth.status === 'signed-in' ? auth.me.person_id : null;
  useEffect(() => {
    void refreshUnread();
  }, []);
  // Live: a new message moves its conversation to the top with one more unread (not for mine);
  // a conversation not loaded yet makes the first page be asked again.
  const { update, reload } = pages;
  const itemsRef = useRef(pages.items);
  itemsRef.current = pages.items;
  useEffect(
    () =>
      onLive((event) => {
        if (event.type === 'open') return;
        if (event.type === 'unread') {
          update((items) => items.map((c) => (c.id === event.conversation_id ? { ...c, unread: event.unread } : c)));
          return;
        }
        if (event.type === 'read') {
          if (event.person_id === me) update((items) => items.map((c) => (c.id === event.conversation_id ? { ...c, unread: 0 } : c)));
          return;
        }
        const m = event.message;
        if (!itemsRef.current.some((c) => c.id === m.conversation_id)) {
          void reload();
          return;
        }
        update((items) => {
          const found = items.find((c) => c.id === m.conversation_id);
          if (!found) return items;
          if (found.last_message && found.last_message.id >= m.id) return items;
          const next = { ...found, last_message: m, unread: m.author_id === me ? found.unread : found.unread + 1 };
          rememberConversation(next);
          return [next, ...items.filter((c) => c.id !== m.conversation_id)];
        });
      }),
    [me],
  );
  return (
    <>
      <h1>{t('page.messages')}</h1>
      <a class="button button-block" href="/messages/new" data-testid="conv-new">
        {t('messages.new')}
      </a>
      <PagedList
        pages={pages}
        testId="conv"
        text={{ loading: 'messages.loading', empty: 'messages.empty', more: 'messages.more' }}
        row={(item) => <ConversationRow key={item.id} item={item} />}
      />
    </>
  );
}

/** How long the search waits after the last key before asking the server. */
export const SEARCH_DELAY_MS = 300;

type Choice = { service: string } | { group: string } | { person: string };
const choiceKey = (c: Choice) => ('service' in c ? `s:${c.service}` : 'group' in c ? `g:${c.group}` : `p:${c.person}`);

/** One line of the picker: a button that opens the conversation. */
function Pick({ choice, label, extra, busy, onPick, testId }: { choice: Choice; label: string; extra?: string; busy: string | null; onPick: (c: Choice) => void; testId: string }) {
  const key = choiceKey(choice);
  return (
    <li>
      <button
        type="button"
        class="list-link pick-item"
        data-testid={testId}
        data-value={'service' in choice ? choice.service : 'group' in choice ? choice.group : choice.person}
        disabled={busy !== null}
        aria-busy={busy === key ? true : undefined}
        onClick={() => onPick(choice)}
      >
        <span>{label}</span>
        {extra && <span class="muted pick-extra">{extra}</span>}
      </button>
    </li>
  );
}

interface Labelled {
  choice: Choice;
  label: string;
  extra?: string;
}

/** One section of the picker (services, groups or people); nothing when it has no choice. */
function PickSection({ title, testId, itemTestId, choices, busy, onPick }: { title: string; testId: string; itemTestId: string; choices: Labelled[]; busy: string | null; onPick: (c: Choice) => void }) {
  if (choices.length === 0) return null;
  return (
    <section class="card" data-testid={testId}>
      <h2 class="section-title">{title}</h2>
      <ul class="link-list">
        {choices.map((c) => (
          <Pick key={choiceKey(c.choice)} choice={c.choice} label={c.label} extra={c.extra} busy={busy} onPick={onPick} testId={itemTestId} />
        ))}
      </ul>
    </section>
  );
}

/**
 * /messages/new: whom one may write to (`GET /api/me/correspondents`), in three sections —
 * services, groups, people —, with a search field (debounced) when typing a name finds more;
 * a choice opens the conversation (the existing one when there is one).
 */
export function MessagesNew() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const [list, setList] = useState<Correspondents | null>(null);
  const [loading, setLoading] = useState(true);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [searchable, setSearchable] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [startFailure, setStartFailure] = useState<Failure | null>(null);
  const request = useRef(0);

  // The search is asked SEARCH_DELAY_MS after the last key (at once for the first answer).
  useEffect(() => {
    const query = q.trim();
    if (query === asked) return;
    const timer = setTimeout(() => setAsked(query), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q]);

  const load = async (query: string) => {
    const n = ++request.current;
    setLoading(true);
    setFailure(null);
    const outcome = await messages.correspondents(query || undefined);
    if (n !== request.current) return;
    setLoading(false);
    if (!outcome.ok) return setFailure(outcome.failure);
    setList(outcome.data);
    if (outcome.data.searchable || outcome.data.more) setSearchable(true);
  };
  useEffect(() => {
    void load(asked);
  }, [asked]);

  const start = async (choice: Choice) => {
    if (busy) return;
    setBusy(choiceKey(choice));
    setStartFailure(null);
    const outcome = await messages.start(choice);
    setBusy(null);
    if (outcome.ok) {
      rememberConversation(outcome.data);
      navigate(conversationPath(outcome.data.id), { replace: true });
    } else setStartFailure(outcome.failure);
  };

  const roleLabel = (role: string) => t(role === 'student' ? 'secretariat.role.student' : role === 'teacher' ? 'secretariat.role.teacher' : 'secretariat.role.staff');
  const nothing = list && list.services.length === 0 && list.groups.length === 0 && list.people.length === 0;
  return (
    <>
      <a class="back-link" href="/messages">
        ‹ {t('page.messages')}
      </a>
      <h1>{t('messages.new')}</h1>
      <ProblemAlert failure={startFailure} />
      {searchable && (
        <form class="card form" role="search" noValidate onSubmit={(e) => (e.preventDefault(), setAsked(q.trim()))} data-testid="pick-search-form">
          <Field
            label={t('messages.pick.search')}
            hint={list?.searchable ? t('messages.pick.searchHint') : undefined}
            type="search"
            name="q"
            value={q}
            onValue={setQ}
            maxLength={100}
            autocomplete="off"
            spellcheck={false}
          />
        </form>
      )}
      {loading && !list && (
        <p class="muted" aria-busy="true" data-testid="pick-loading">
          {t('messages.loading')}
        </p>
      )}
      {failure && (
        <ProblemAlert failure={failure}>
          <button type="button" class="button button-secondary" onClick={() => void load(asked)}>
            {t('common.retry')}
          </button>
        </ProblemAlert>
      )}
      {list && (
        <div aria-busy={loading ? true : undefined} data-testid="pick">
          <PickSection
            title={t('messages.pick.services')}
            testId="pick-services"
            itemTestId="pick-service"
            choices={list.services.map((s) => ({ choice: { service: s.code }, label: s.name }))}
            busy={busy}
            onPick={(c) => void start(c)}
          />
          <PickSection
            title={t('messages.pick.groups')}
            testId="pick-groups"
            itemTestId="pick-group"
            choices={list.groups.map((g) => ({ choice: { group: g.code }, label: g.name, extra: g.code !== g.name ? g.code : undefined }))}
            busy={busy}
            onPick={(c) => void start(c)}
          />
          <PickSection
            title={t('messages.pick.people')}
            testId="pick-people"
            itemTestId="pick-person"
            choices={list.people.map((p) => ({ choice: { person: p.id }, label: p.name, extra: roleLabel(p.role) }))}
            busy={busy}
            onPick={(c) => void start(c)}
          />
          {list.more && (
            <p class="muted" data-testid="pick-more">
              {t('messages.pick.more')}
            </p>
          )}
          {nothing && (
            <p class="muted" data-testid="pick-empty">
              {asked ? t('messages.pick.none', { q: asked }) : t('messages.pick.empty')}
            </p>
          )}
        </div>
      )}
    </>
  );
}

/** Add messages to a thread kept oldest first, each id once. */
export function mergeMessages(list: ChatMessage[], added: ChatMessage[]): ChatMessage[] {
  const byId = new Map(list.map((m) => [m.id, m]));
  for (const m of added) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function Bubble({ m, own, group }: { m: ChatMessage; own: boolean; group: boolean }) {
  const { t, lang } = useI18n();
  return (
    <li class={`bubble ${own ? 'bubble-own' : 'bubble-other'}`} data-testid="chat-message" data-id={m.id} data-side={own ? 'own' : 'other'}>
      <p class="bubble-meta">
        {(group || !own) && <strong data-testid="chat-author">{own ? t('messages.you') : m.author}</strong>}
        {(group || !own) && ' · '}
        <time dateTime={m.at}>{formatShortDateTime(m.at, lang)}</time>
      </p>
      <p class="bubble-body" data-testid="chat-body">
        <MessageText text={m.body} />
      </p>
    </li>
  );
}

/** A message kept on the device: « En attente d’envoi », or « Non envoyé » with why and « Supprimer ». */
function QueuedBubble({ q }: { q: Queued }) {
  const { t } = useI18n();
  const reason = q.reason ? (q.reason.detail ?? problemMessage(q.reason, t)) : null;
  return (
    <li class={`bubble bubble-own bubble-queued${q.state === 'failed' ? ' bubble-failed' : ''}`} data-testid="queued-message" data-state={q.state}>
      <p class="bubble-meta" data-testid="queued-state">
        {t(q.state === 'pending' ? 'messages.pending' : 'messages.notSent')}
      </p>
      <p class="bubble-body" data-testid="queued-body">
        <MessageText text={q.body} />
      </p>
      {reason && (
        <p class="bubble-reason" role="alert" data-testid="queued-reason">
          {reason}
        </p>
      )}
      {q.state === 'failed' && (
        <button type="button" class="button button-secondary" onClick={() => void deleteQueued(q.key)} data-testid="queued-delete">
          {t('messages.deleteQueued')}
        </button>
      )}
    </li>
  );
}

const offline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

/** /messages/{id}: the thread, older pages, the composer, read marks, mute, leave, block. */
export function MessageThread({ id }: { id: number }) {
  const { t } = useI18n();
  const auth = useAuth();
  const me = auth.status === 'signed-in' ? auth.me.person_id : null;
  const config = useConfig();
  // The server's limit (messaging.max_chars); until the configuration is known, the server alone checks.
  const max = config.status === 'ready' ? config.config.message_max_chars : undefined;
  const [conversation, setConversation] = useState<Conversation | null>(knownConversation(id));
  const [list, setList] = useState<ChatMessage[]>([]);
  const [before, setBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [actionFailure, setActionFailure] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [sendFailure, setSendFailure] = useState<Failure | null>(null);
  const [sending, setSending] = useState(false);
  const pendingKey = useRef<string | null>(null);
  const readUpTo = useRef(0);

  const markRead = async (items: ChatMessage[]) => {
    const newest = items.reduce((n, m) => Math.max(n, m.id), 0);
    if (newest <= readUpTo.current) return;
    readUpTo.current = newest;
    const outcome = await messages.read(id, newest);
    // With the stream open, the server's `unread` event brings the new total.
    if (outcome.ok && !liveConnected()) void refreshUnread();
  };

  const load = async () => {
    setLoading(true);
    setFailure(null);
    const [page, view] = await Promise.all([messages.page(id), conversation ? Promise.resolve(conversation) : findConversation(id)]);
    setLoading(false);
    if (view) setConversation(view);
    if (!page.ok) {
      setFailure(page.failure);
      return;
    }
    const items = [...page.data.items].reverse();
    // Merged, not replaced: a queued message sent meanwhile may be newer than this page.
    setList((l) => mergeMessages(l, items));
    setBefore(page.data.next_before ?? null);
    void markRead(items);
  };

  useEffect(() => {
    setOpenThread(id);
    return () => setOpenThread(null);
  }, [id]);

  useEffect(() => {
    readUpTo.current = 0;
    void load();
    // Opening a thread: what waits on this device goes now if it can.
    if (!offline()) void flushOutbox();
  }, [id]);

  // Opened without network: the thread is asked again when the network comes back.
  const failureRef = useRef(failure);
  failureRef.current = failure;
  useEffect(() => {
    const again = () => {
      if (failureRef.current?.slug === 'network') void load();
    };
    window.addEventListener('online', again);
    return () => window.removeEventListener('online', again);
  }, [id]);

  // A queued message reached the server: the server's copy takes its place.
  useEffect(
    () =>
      onSent((message) => {
        if (message.conversation_id !== id) return;
        setList((l) => mergeMessages(l, [message]));
        readUpTo.current = Math.max(readUpTo.current, message.id);
      }),
    [id],
  );
  const outbox = useOutbox(id);

  // Live: this conversation's new messages appear and are read while the app is visible; when the
  // stream reopens, what came after the newest shown is asked.
  const listRef = useRef(list);
  listRef.current = list;
  useEffect(
    () =>
      onLive((event) => {
        if (event.type === 'message' && event.message.conversation_id === id) {
          setList((l) => mergeMessages(l, [event.message]));
          if (document.visibilityState !== 'hidden') void markRead([event.message]);
        } else if (event.type === 'open') {
          const newest = listRef.current.reduce((n, m) => Math.max(n, m.id), 0);
          if (!newest) return;
          void messages.after(id, newest).then((page) => {
            if (!page.ok || page.data.items.length === 0) return;
            setList((l) => mergeMessages(l, page.data.items));
            if (document.visibilityState !== 'hidden') void markRead(page.data.items);
          });
        }
      }),
    [id],
  );

  const older = async () => {
    if (!before || loadingOlder) return;
    setLoadingOlder(true);
    const page = await messages.page(id, before);
    setLoadingOlder(false);
    if (!page.ok) {
      setActionFailure(page.failure);
      return;
    }
    setList((l) => mergeMessages(l, page.data.items));
    setBefore(page.data.next_before ?? null);
  };

  const send = async () => {
    const body = text.trim();
    if (sending || !body || (max !== undefined && body.length > max)) return;
    // The same key for every try of this text: a retry after a lost answer is not a second copy.
    const key = (pendingKey.current ??= newClientKey());
    setSendFailure(null);
    // Kept on the device to go later (no network, or after those still waiting here).
    const keep = async () => {
      if (!me) return false;
      await queueMessage(me, id, body, key);
      pendingKey.current = null;
      setText('');
      return true;
    };
    if (me && (offline() || hasPending(id))) {
      await keep();
      if (!offline()) void flushOutbox();
      return;
    }
    setSending(true);
    const outcome = await messages.send(id, body, key);
    setSending(false);
    if (outcome.ok) {
      pendingKey.current = null;
      setText('');
      setList((l) => mergeMessages(l, [outcome.data]));
      readUpTo.current = Math.max(readUpTo.current, outcome.data.id);
      void delivered(outcome.data);
    } else if (transient(outcome.failure) && outcome.failure.status !== 401 && (await keep())) retryLater(outcome.failure);
    else setSendFailure(outcome.failure);
  };

  const toggleMute = async () => {
    if (!conversation) return;
    setActionFailure(null);
    const muted = !conversation.muted;
    const outcome = await messages.mute(id, muted);
    if (!outcome.ok) return setActionFailure(outcome.failure);
    const next = { ...conversation, muted };
    rememberConversation(next);
    setConversation(next);
    setNotice(t(muted ? 'messages.mutedNotice' : 'messages.unmutedNotice'));
    void refreshUnread();
  };

  const leave = async () => {
    if (!confirm(t('messages.leaveConfirm'))) return;
    setActionFailure(null);
    const outcome = await messages.leave(id);
    if (!outcome.ok) return setActionFailure(outcome.failure);
    forgetConversation(id);
    void refreshUnread();
    navigate('/messages', { replace: true });
  };

  // Direct conversations: the other person is the author of a message that is not mine.
  const other = conversation?.kind === 'direct' ? list.find((m) => m.author_id !== me)?.author_id : undefined;
  const block = async () => {
    if (!other || !confirm(t('messages.blockConfirm'))) return;
    setActionFailure(null);
    const outcome = await messages.block(other);
    if (!outcome.ok) return setActionFailure(outcome.failure);
    setNotice(t('messages.blocked'));
  };

  const group = conversation?.kind !== 'direct';
  return (
    <>
      <a class="back-link" href="/messages">
        ‹ {t('page.messages')}
      </a>
      <h1 data-testid="thread-title">{conversation?.title ?? t('page.messages')}</h1>
      {conversation && (
        <div class="thread-actions" data-testid="thread-actions">
          <button type="button" class="button button-secondary" aria-pressed={conversation.muted} onClick={() => void toggleMute()} data-testid="thread-mute">
            {t(conversation.muted ? 'messages.unmute' : 'messages.mute')}
          </button>
          {conversation.kind === 'group' && (
            <button type="button" class="button button-secondary" onClick={() => void leave()} data-testid="thread-leave">
              {t('messages.leave')}
            </button>
          )}
          {other && (
            <button type="button" class="button button-secondary" onClick={() => void block()} data-testid="thread-block">
              {t('messages.block')}
            </button>
          )}
        </div>
      )}
      {notice && <Notice>{notice}</Notice>}
      <ProblemAlert failure={actionFailure} />
      {loading && (
        <p class="muted" aria-busy="true" data-testid="thread-loading">
          {t('messages.loading')}
        </p>
      )}
      {failure && (
        <ProblemAlert failure={failure}>
          <button type="button" class="button button-secondary" onClick={() => void load()}>
            {t('common.retry')}
          </button>
        </ProblemAlert>
      )}
      {before && (
        <Button type="button" variant="secondary" busy={loadingOlder} onClick={() => void older()} testId="thread-older">
          {t('messages.older')}
        </Button>
      )}
      {!loading && !failure && list.length === 0 && outbox.length === 0 && (
        <p class="muted" data-testid="thread-empty">
          {t('messages.threadEmpty')}
        </p>
      )}
      <ol class="thread" data-testid="thread">
        {list.map((m) => (
          <Bubble key={m.id} m={m} own={m.author_id === me} group={group} />
        ))}
        {outbox
          .filter((q) => !list.some((m) => m.client_key === q.key))
          .map((q) => (
            <QueuedBubble key={q.key} q={q} />
          ))}
      </ol>
      {(!failure || failure.slug === 'network') && (
        <form
          class="card form composer"
          data-testid="composer"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void send();
            }
          }}
        >
          <TextArea
            label={t('messages.compose')}
            name="body"
            rows={3}
            value={text}
            onValue={(value) => {
              setText(value);
              pendingKey.current = null;
            }}
            maxLength={max}
            counted
          />
          <ProblemAlert failure={sendFailure} />
          <Button busy={sending} disabled={!text.trim()} testId="composer-send">
            {t('messages.send')}
          </Button>
        </form>
      )}
    </>
  );
}
