// A resource list whose count is capped (adapter/scoped-resource.ts countCap): AdminJS's own list, except that
// the total in the header reads "10,000+" once the count reached the cap, instead of the capped number. The
// cap comes from the list action's custom.countCap; paging is AdminJS's (up to the cap).
import React from 'react';
import { OriginalList, type ActionProps } from 'adminjs';

function capLabel(total: string, cap: number | undefined): string {
  return cap !== undefined && Number(total) > cap ? `${cap.toLocaleString('en-US')}+` : total;
}

const EstimatedCountList: React.FC<ActionProps> = (props) => {
  const cap = (props.action.custom as { countCap?: number } | undefined)?.countCap;
  const { setTag } = props;
  const setCappedTag: ActionProps['setTag'] = setTag
    ? (tag) => setTag(typeof tag === 'function' ? (prev: string) => capLabel(tag(prev), cap) : capLabel(tag, cap))
    : undefined;
  return <OriginalList {...props} setTag={setCappedTag} />;
};

export default EstimatedCountList;
