// The review area's header links: review queue (reviewers, managers, owners),
// exams, certifications (and each managed base's), and the inbox with its unread count.
import { managedOrganizations, useAuth } from '../app/auth';
import { Link } from '../app/router';
import { useI18n } from '../i18n';
import { useUnreadCount } from './inboxCount';

export function ReviewNav() {
  const { t } = useI18n();
  const { me } = useAuth();
  const unread = useUnreadCount();
  const reviews = (me?.memberships ?? []).some((m) => m.role !== 'annotator');
  const managed = managedOrganizations(me);
  return (
    <>
      {reviews && <Link to="/review">{t('nav.reviewQueue')}</Link>}
      <Link to="/exams">{t('nav.exams')}</Link>
      <Link to="/certifications">{t('nav.certifications')}</Link>
      {managed.map((o) => (
        <Link key={o.id} to={`/organizations/${o.id}/certifications`}>
          {managed.length === 1 ? t('orgCerts.link') : t('orgCerts.linkOf', { name: o.name })}
        </Link>
      ))}
      <Link to="/inbox">{unread ? t('nav.inboxUnread', { count: unread }) : t('nav.inbox')}</Link>
    </>
  );
}
