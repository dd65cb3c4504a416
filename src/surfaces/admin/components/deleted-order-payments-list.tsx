// Sales -> Payments for deleted orders: AdminJS's own list, under a line that says which payments it shows. Unless
// its "Money" filter says otherwise the list holds the payments money reached, those to return by hand first
// (resources/deleted-order-payments.resource.ts); the line says how many it leaves out and shows them in one tap,
// and back. The filter's values come from the list action's custom.moneyFilter; the count from the list itself
// (the same filters, "no money arrived", one row), so it is scoped to the shop as the list is.
import React, { useEffect, useState } from 'react';
import { Box, Button, Text } from '@adminjs/design-system';
import { ApiClient, OriginalList, useQueryParams, type ActionProps } from 'adminjs';

type MoneyFilter = { ARRIVED: string; NONE: string; ALL: string };
type Filters = Record<string, unknown>;

const api = new ApiClient();
const TAP_BUTTON: React.CSSProperties = {
  minHeight: 44,
  boxSizing: 'border-box',
  display: 'inline-flex',
  alignItems: 'center',
  whiteSpace: 'normal',
};

/** The list's filters as URL params (filters.<path>=value), without the Money filter. */
function otherFilters(filters: Filters | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(filters ?? {})
      .filter(([path, value]) => path !== 'lateMoneyAction' && typeof value === 'string')
      .map(([path, value]) => [`filters.${path}`, value as string]),
  );
}

const DeletedOrderPaymentsList: React.FC<ActionProps> = (props) => {
  const money = (props.action.custom as { moneyFilter: MoneyFilter }).moneyFilter;
  const { filters, storeParams } = useQueryParams();
  const chosen = (filters as Filters | undefined)?.lateMoneyAction;
  const view = !chosen || chosen === money.ARRIVED ? 'arrived' : chosen === money.ALL ? 'all' : 'chosen';
  const others = JSON.stringify(otherFilters(filters as Filters | undefined));
  const [noMoney, setNoMoney] = useState<number | null>(null);

  useEffect(() => {
    if (view === 'chosen') return;
    let live = true;
    api
      .resourceAction({
        resourceId: props.resource.id,
        actionName: 'list',
        params: { ...(JSON.parse(others) as Record<string, string>), 'filters.lateMoneyAction': money.NONE, perPage: 1 },
      })
      .then((r) => live && setNoMoney((r.data as { meta?: { total?: number } }).meta?.total ?? 0))
      .catch(() => live && setNoMoney(null));
    return () => {
      live = false;
    };
  }, [view, others, props.resource.id]);

  // To the same list with the Money filter set (or gone: the default), from its first page.
  const showMoney = (value: string | undefined) =>
    storeParams({ page: undefined, filters: { ...(filters as Filters | undefined), lateMoneyAction: value } });
  const count = (n: number) => (n === 1 ? '1 payment' : `${n} payments`);

  return (
    <>
      {view !== 'chosen' && (
        <Box
          variant="container"
          mb="lg"
          data-testid="deleted-payments-scope"
          style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'center' }}
        >
          <Text style={{ flex: '1 1 260px' }}>
            {view === 'arrived'
              ? 'Payments money reached, those to return by hand first.'
              : `Every payment, also ${noMoney === null ? 'those' : `the ${count(noMoney)}`} no money reached (kept in case the provider still takes money).`}
          </Text>
          {view === 'arrived' && noMoney !== null && noMoney > 0 && (
            <Button
              type="button"
              variant="outlined"
              size="sm"
              data-testid="deleted-payments-show-all"
              style={TAP_BUTTON}
              onClick={() => showMoney(money.ALL)}
            >
              Show also the {count(noMoney)} no money reached
            </Button>
          )}
          {view === 'all' && (
            <Button
              type="button"
              variant="outlined"
              size="sm"
              data-testid="deleted-payments-show-arrived"
              style={TAP_BUTTON}
              onClick={() => showMoney(undefined)}
            >
              Show only the payments money reached
            </Button>
          )}
        </Box>
      )}
      <OriginalList {...props} />
    </>
  );
};

export default DeletedOrderPaymentsList;
