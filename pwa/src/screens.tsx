import type { VNode } from 'preact';
import { seesDirectory } from './api/directory';
import { isHelpStaff } from './api/help';
import { lazy, type Loadable } from './lazy';
import { NotFound } from './pages/NotFound';
import { normalisePath } from './router';

// Each screen's code is its own chunk, fetched when the screen is first shown (the one opened
// first is fetched before the app is drawn: preloadScreen), so that nobody downloads the screens
// they do not open — the staff's above all. The service worker precaches every chunk.
const activation = () => import('./pages/Activation');
const cardPage = () => import('./pages/Card');
const connectionHelp = () => import('./pages/ConnectionHelp');
const contacts = () => import('./pages/Contacts');
const coursesPage = () => import('./pages/Courses');
const directoryPage = () => import('./pages/Directory');
const help = () => import('./pages/Help');
const helpQueues = () => import('./pages/HelpQueues');
const home = () => import('./pages/Home');
const login = () => import('./pages/Login');
const messages = () => import('./pages/Messages');
const more = () => import('./pages/More');
const news = () => import('./pages/News');
const newsPublish = () => import('./pages/NewsPublish');
const notifications = () => import('./pages/Notifications');
const recovery = () => import('./pages/Recovery');
const registrationPage = () => import('./pages/Registration');
const secretariat = () => import('./pages/Secretariat');
const security = () => import('./pages/Security');
const servicesPage = () => import('./pages/Services');
const timetable = () => import('./pages/Timetable');
const timetableGroups = () => import('./pages/TimetableGroups');

const Activation = lazy(activation, 'Activation');
const Card = lazy(cardPage, 'Card');
const ConnectionHelp = lazy(connectionHelp, 'ConnectionHelp');
const Contacts = lazy(contacts, 'Contacts');
const Courses = lazy(coursesPage, 'Courses');
const DirectorySearch = lazy(directoryPage, 'DirectorySearch');
const DirectoryCard = lazy(directoryPage, 'DirectoryCard');
const HelpHome = lazy(help, 'HelpHome');
const HelpNew = lazy(help, 'HelpNew');
const HelpRequest = lazy(help, 'HelpRequest');
const HelpQueues = lazy(helpQueues, 'HelpQueues');
const Home = lazy(home, 'Home');
const Login = lazy(login, 'Login');
const MessagesHome = lazy(messages, 'MessagesHome');
const MessagesNew = lazy(messages, 'MessagesNew');
const MessageThread = lazy(messages, 'MessageThread');
const More = lazy(more, 'More');
const News = lazy(news, 'News');
const NewsDetail = lazy(news, 'NewsDetail');
const NewsPublish = lazy(newsPublish, 'NewsPublish');
const Notifications = lazy(notifications, 'Notifications');
const RecoveryRequest = lazy(recovery, 'RecoveryRequest');
const RecoveryLink = lazy(recovery, 'RecoveryLink');
const Registration = lazy(registrationPage, 'Registration');
const SecretariatSearch = lazy(secretariat, 'SecretariatSearch');
const SecretariatPerson = lazy(secretariat, 'SecretariatPerson');
const Services = lazy(servicesPage, 'Services');
const SecurityHome = lazy(security, 'SecurityHome');
const ChangePassword = lazy(security, 'ChangePassword');
const Devices = lazy(security, 'Devices');
const Activity = lazy(security, 'Activity');
const TwoFactor = lazy(security, 'TwoFactor');
const Passkeys = lazy(security, 'Passkeys');
const PhoneVerification = lazy(security, 'PhoneVerification');
const Timetable = lazy(timetable, 'Timetable');
const TimetableGroups = lazy(timetableGroups, 'TimetableGroups');

/** A screen's parameters, from the named groups of its path's pattern. */
export type Params = Record<string, string>;

interface Route {
  id: string;
  /** The exact path, or a pattern whose named groups are the parameters. */
  path: string | RegExp;
  /** Shown without signing in. */
  public?: true;
  /** Shown only to people with these permissions (or role); anyone else gets « Page introuvable ». */
  permission?: (permissions: readonly string[], role: string | null) => boolean;
  view: (params: Params) => VNode;
}

const has = (permission: string) => (permissions: readonly string[]) => permissions.includes(permission);
const directoryRole = (_: readonly string[], role: string | null) => seesDirectory(role);
const studentRole = (_: readonly string[], role: string | null) => role === 'student';
// Ids in addresses sent by pushes and e-mails: /news/{id}, /help/{id}, /messages/{id}.
const ID = '[1-9][0-9]{0,15}';

/** Every screen: its address, who may see it and what it shows (the first match wins). */
export const SCREENS = [
  { id: 'home', path: '/', view: () => <Home /> },
  // The timetable keeps its sub-paths (old links to a week or a day).
  { id: 'timetable', path: /^\/timetable(?:\/.*)?$/, view: () => <Timetable /> },
  { id: 'timetable-groups', path: '/more/timetable-groups', permission: has('timetable'), view: () => <TimetableGroups /> },
  { id: 'messages', path: '/messages', view: () => <MessagesHome /> },
  { id: 'messages-new', path: '/messages/new', view: () => <MessagesNew /> },
  {
    id: 'messages-thread',
    path: new RegExp(`^/messages/(?<conversationId>${ID})$`),
    view: (p) => <MessageThread key={p.conversationId} id={Number(p.conversationId)} />,
  },
  { id: 'help', path: '/help', view: () => <HelpHome /> },
  { id: 'help-new', path: '/help/new', view: () => <HelpNew /> },
  { id: 'help-queues', path: '/help/queues', permission: isHelpStaff, view: () => <HelpQueues /> },
  { id: 'help-connection', path: '/help/connection', public: true, view: () => <ConnectionHelp /> },
  { id: 'help-request', path: new RegExp(`^/help/(?<requestId>${ID})$`), view: (p) => <HelpRequest id={Number(p.requestId)} /> },
  { id: 'services', path: '/services', view: () => <Services /> },
  { id: 'more', path: '/more', view: () => <More /> },
  { id: 'directory', path: '/directory', permission: directoryRole, view: () => <DirectorySearch /> },
  {
    id: 'directory-card',
    path: /^\/directory\/(?<personId>[0-9a-fA-F-]{36})$/,
    permission: directoryRole,
    view: (p) => <DirectoryCard key={p.personId} id={p.personId ?? ''} />,
  },
  { id: 'registration', path: '/registration', permission: studentRole, view: () => <Registration /> },
  // Not by role: it opens offline too (the role is not known then); the server says who has a card.
  { id: 'card', path: '/card', view: () => <Card /> },
  // Not by role either (offline too): staff, who have no courses, are told so.
  { id: 'courses', path: '/courses', view: () => <Courses /> },
  { id: 'login', path: '/login', public: true, view: () => <Login /> },
  { id: 'activation', path: '/activation', public: true, view: () => <Activation /> },
  { id: 'recovery', path: '/recovery', public: true, view: () => <RecoveryRequest /> },
  { id: 'recovery-link', path: /^\/recovery\/(?<token>[A-Za-z0-9_-]{8,200})$/, public: true, view: (p) => <RecoveryLink token={p.token ?? ''} /> },
  { id: 'contacts', path: '/contacts', public: true, view: () => <Contacts /> },
  { id: 'security', path: '/more/security', view: () => <SecurityHome /> },
  { id: 'security-password', path: '/more/security/password', view: () => <ChangePassword /> },
  { id: 'security-devices', path: '/more/security/devices', view: () => <Devices /> },
  { id: 'security-activity', path: '/more/security/activity', view: () => <Activity /> },
  { id: 'security-two-factor', path: '/more/security/two-factor', view: () => <TwoFactor /> },
  { id: 'security-passkeys', path: '/more/security/passkeys', view: () => <Passkeys /> },
  { id: 'security-phone', path: '/more/security/phone', view: () => <PhoneVerification /> },
  { id: 'notifications', path: '/more/notifications', view: () => <Notifications /> },
  { id: 'secretariat', path: '/more/secretariat', permission: has('accounts'), view: () => <SecretariatSearch /> },
  {
    id: 'secretariat-person',
    path: /^\/more\/secretariat\/(?<personId>[A-Za-z0-9_-]{1,64})$/,
    permission: has('accounts'),
    view: (p) => <SecretariatPerson personId={p.personId ?? ''} />,
  },
  { id: 'news', path: '/news', public: true, view: () => <News /> },
  { id: 'news-item', path: new RegExp(`^/news/(?<newsId>${ID})$`), public: true, view: (p) => <NewsDetail id={Number(p.newsId)} /> },
  { id: 'news-publish', path: '/more/news', permission: has('publishing'), view: () => <NewsPublish /> },
] as const satisfies readonly Route[];

export type ScreenId = (typeof SCREENS)[number]['id'] | 'not-found';

/** The screen a pathname shows, with its parameters (`{ id: 'news-item', newsId: '42' }`). */
export type Screen = { id: ScreenId } & Params;

const NOT_FOUND: Route = { id: 'not-found', path: '', view: () => <NotFound /> };

function find(pathname: string): { route: Route; params: Params } {
  const path = normalisePath(pathname);
  for (const route of SCREENS as readonly Route[]) {
    if (route.path === path) return { route, params: {} };
    const m = typeof route.path === 'string' ? null : route.path.exec(path);
    if (m) return { route, params: { ...m.groups } };
  }
  return { route: NOT_FOUND, params: {} };
}

/** Which screen a pathname shows. */
export function matchScreen(pathname: string): Screen {
  const { route, params } = find(pathname);
  return { ...params, id: route.id as ScreenId };
}

/** Whether anyone can open the screen without signing in. */
export function isPublic(id: ScreenId): boolean {
  return SCREENS.some((route: Route) => route.id === id && route.public);
}

/** What a pathname shows to a person with these permissions and role (none when signed out). */
export function view(pathname: string, permissions: readonly string[] | null, role: string | null = null): VNode {
  const { route, params } = find(pathname);
  if (route.permission && !(permissions && route.permission(permissions, role))) return <NotFound />;
  return route.view(params);
}

/** Fetch the code of the screen a pathname shows (at start, so that the first frame has it). */
export function preloadScreen(pathname: string): Promise<unknown> {
  const { route, params } = find(pathname);
  const screen = route.view(params).type as Partial<Loadable>;
  return screen.load?.() ?? Promise.resolve();
}
