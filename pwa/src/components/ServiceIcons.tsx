import type { JSX } from 'preact';
import { CalendarIcon, Icon } from './Icons';

// The icons a service can name in the configuration (`icon = "book"`), in the style of Icons.tsx.

const Book = () => (
  <Icon>
    <path d="M4 5.5A2.5 2.5 0 0 1 6.5 3H20v15H6.5A2.5 2.5 0 0 0 4 20.5z" />
    <path d="M4 20.5A2.5 2.5 0 0 0 6.5 23H20v-5" />
  </Icon>
);

const Mail = () => (
  <Icon>
    <rect x="3" y="5" width="18" height="14" rx="2" />
    <path d="m3.5 6.5 8.5 6.5 8.5-6.5" />
  </Icon>
);

const Library = () => (
  <Icon>
    <path d="M4 4h3v16H4zM9 4h3v16H9z" />
    <path d="m14 5 2.9-.8 3.6 15.5-2.9.8z" />
  </Icon>
);

const IdCard = () => (
  <Icon>
    <rect x="2.5" y="5" width="19" height="14" rx="2" />
    <circle cx="8.5" cy="11" r="2" />
    <path d="M5.5 16a3 3 0 0 1 6 0M14 10h4.5M14 13.5h3" />
  </Icon>
);

const Link = () => (
  <Icon>
    <path d="M10 14a4 4 0 0 0 5.7 0l3.1-3.1a4 4 0 0 0-5.7-5.7L11.5 6.8" />
    <path d="M14 10a4 4 0 0 0-5.7 0l-3.1 3.1a4 4 0 0 0 5.7 5.7l1.6-1.6" />
  </Icon>
);

const School = () => (
  <Icon>
    <path d="M2 9.5 12 4.5l10 5-10 5z" />
    <path d="M6 11.5V16c0 1.4 2.7 3 6 3s6-1.6 6-3v-4.5M22 9.5V15" />
  </Icon>
);

const ICONS: Record<string, () => JSX.Element> = {
  book: Book,
  mail: Mail,
  library: Library,
  'id-card': IdCard,
  link: Link,
  calendar: CalendarIcon,
  school: School,
};

/** A service's icon by its name; an unknown name shows the link icon. */
export function ServiceIcon({ name }: { name: string }) {
  const Shown = Object.prototype.hasOwnProperty.call(ICONS, name) ? ICONS[name]! : Link;
  return <Shown />;
}

/** The favourite star: filled when the service is a favourite. */
export const StarIcon = ({ filled }: { filled: boolean }) => (
  <Icon>
    <path
      class={filled ? 'star-filled' : undefined}
      d="m12 3.5 2.6 5.3 5.9.9-4.3 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.3-4.1 5.9-.9z"
    />
  </Icon>
);
