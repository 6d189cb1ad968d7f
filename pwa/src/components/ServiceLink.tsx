import type { ServiceTile } from '../api/services';
import { useI18n } from '../i18n';
import { ServiceIcon } from './ServiceIcons';

/**
 * Where a tile goes: a service that signs in through the ENT is `/cas/login?service=…`, opened in
 * this tab by a plain navigation (the router leaves /cas to the server); a plain link is the
 * service's own http(s) address, in a new tab. Anything else is not a link.
 */
export function serviceTarget(service: Pick<ServiceTile, 'href'>): { href: string; external: boolean } | null {
  if (service.href.startsWith('/cas/login?')) return { href: service.href, external: false };
  try {
    const url = new URL(service.href);
    if (url.protocol === 'https:' || url.protocol === 'http:') return { href: url.href, external: true };
  } catch {
    // not an absolute address
  }
  return null;
}

/** A service's id for aria-describedby (codes are `[a-z0-9-]`, but keep the id safe anyway). */
export const serviceNameId = (prefix: string, code: string) => `${prefix}-${code.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** A service's icon, name and description, as a link to open it. */
export function ServiceLink({ service, nameId }: { service: ServiceTile; nameId?: string }) {
  const { t } = useI18n();
  const target = serviceTarget(service);
  const body = (
    <>
      <span class="service-icon">
        <ServiceIcon name={service.icon} />
      </span>
      <span class="service-text">
        <strong id={nameId}>{service.name}</strong>
        {service.description && <span class="muted">{service.description}</span>}
      </span>
    </>
  );
  if (!target) return <span class="service-link">{body}</span>;
  return target.external ? (
    <a class="service-link" href={target.href} target="_blank" rel="noopener" data-testid="service-link">
      {body}
      <span class="visually-hidden">{t('services.newTab')}</span>
    </a>
  ) : (
    <a class="service-link" href={target.href} data-testid="service-link">
      {body}
    </a>
  );
}
