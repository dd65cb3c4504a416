// The audit trail as a readable timeline: when (shop time zone), who, what in words, and each changed field
// as "before -> after". The items come from modules/audit/audit-timeline.ts (presentTimeline), as JSON in
// the record's `auditTimelineJson` param (resources/audit-timeline.ts puts it there on show pages), or as
// the `items` prop when another component renders it (AdminJS.UserComponents.AuditTimeline).
import React from 'react';
import { Box, H4, Text } from '@adminjs/design-system';
import type { ShowPropertyProps } from 'adminjs';

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

function itemsOf(props: Partial<ShowPropertyProps> & { items?: Item[] }): Item[] {
  if (Array.isArray(props.items)) return props.items;
  const raw = props.record?.params?.auditTimelineJson;
  try {
    const parsed: unknown = JSON.parse(String(raw ?? '[]'));
    return Array.isArray(parsed) ? (parsed as Item[]) : [];
  } catch {
    return [];
  }
}

const AuditTimeline: React.FC<Partial<ShowPropertyProps> & { items?: Item[]; title?: string }> = (props) => {
  const items = itemsOf(props);
  return (
    <Box mb="xl" data-testid="audit-timeline">
      <H4>{props.title ?? 'History'}</H4>
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
