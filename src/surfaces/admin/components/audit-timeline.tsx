// The audit trail as a readable timeline: when (shop time zone), who, what in words, and each changed field
// as "before -> after". The items come from modules/audit/audit-timeline.ts (presentTimeline), as JSON in
// the record's `auditTimelineJson` param (resources/audit-trail.ts puts it there on show pages), or as
// the `items` prop when another component renders it (AdminJS.UserComponents.AuditTimeline). On a show page the items
// come through use-action-data.ts: until they have come it says they are loading, and when the page's load failed
// (AdminJS left it on the record of the page the admin came from) it says so with "Try again", never "No changes
// recorded yet." for a record with a history.
import React from 'react';
import { Box, H4, Text } from '@adminjs/design-system';
import type { ShowPropertyProps } from 'adminjs';
import { LoadPending, useActionData } from './use-action-data.js';

interface Change {
  field: string;
  label: string;
  before: string;
  after: string;
}
interface Item {
  id: string;
  when: string;
  who: string;
  what: string;
  changes: Change[];
}

type Props = Partial<ShowPropertyProps> & { items?: Item[]; title?: string };

const AuditTimeline: React.FC<Props> = (props) =>
  Array.isArray(props.items) || !props.record || !props.resource ? (
    <Timeline items={props.items ?? []} title={props.title} />
  ) : (
    <ShownTimeline {...(props as ShowPropertyProps)} title={props.title} />
  );

/** A show page's History: its items from the show action's answer. */
const ShownTimeline: React.FC<ShowPropertyProps & { title?: string }> = ({ record, resource, title }) => {
  const loaded = useActionData<Item[]>({ resourceId: resource.id, record, actionName: 'show', param: 'auditTimelineJson' });
  if (!loaded.data)
    return (
      <Box mb="xl" data-testid="audit-timeline-loading">
        <H4>{title ?? 'History'}</H4>
        <LoadPending
          data={loaded}
          loading="Loading the history…"
          failedMessage="The history could not be loaded."
          failedTestId="audit-timeline-load-failed"
        />
      </Box>
    );
  return <Timeline items={Array.isArray(loaded.data) ? loaded.data : []} title={title} />;
};

const Timeline: React.FC<{ items: Item[]; title?: string }> = ({ items, title }) => {
  return (
    <Box mb="xl" data-testid="audit-timeline">
      <H4>{title ?? 'History'}</H4>
      {items.length === 0 ? (
        <Text>No changes recorded yet.</Text>
      ) : (
        <ol style={{ listStyle: 'none', margin: 0, padding: 0, borderLeft: '2px solid #C0C0CA' }}>
          {items.map((item) => (
            <li key={item.id} data-testid="audit-timeline-item" style={{ margin: '0 0 16px 0', paddingLeft: 16 }}>
              <div style={{ color: '#454655', fontSize: 13 }}>
                <time>{item.when}</time> · {item.who}
              </div>
              <div style={{ fontWeight: 600, margin: '4px 0' }}>{item.what}</div>
              {item.changes.length > 0 && (
                <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                  {item.changes.map((c) => (
                    <li key={c.field} style={{ margin: '2px 0' }}>
                      <span style={{ color: '#454655' }}>{c.label}:</span>{' '}
                      <span style={{ textDecoration: c.before === '—' ? 'none' : 'line-through', color: '#6B1D1D' }}>{c.before}</span>
                      {' → '}
                      <span style={{ color: '#14532D', fontWeight: 600 }}>{c.after}</span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </Box>
  );
};

export default AuditTimeline;
