// An action page's own data, which the action's GET handler puts in the record it answers (record.params[param], as
// JSON). AdminJS's record-action route does not wait for that answer in every case: opened from another page of the
// same record (Shop settings' edit form -> "Change currency"), the component is first rendered with the record of the
// page the admin came from, and when the GET fails (a 500, a dropped connection) AdminJS leaves it on that record for
// good. A component that read its data from the first record it was given then showed an empty form: Change currency
// said "This shop sells in ." and "Nothing is priced in : only the currency changes." beside a live Save button.
//
// useActionData reads the data from the record whenever the record holds it. When it does not, it asks the action for
// it itself, a moment later (a render on the way to AdminJS's own answer is replaced before then, so that case costs no
// request), and says when that failed, with a retry, so the page shows "loading" or "could not be loaded, try again"
// and never a form without its data.
import React, { useEffect, useRef, useState } from 'react';
import { Box, Button, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, type RecordJSON } from 'adminjs';

const api = new ApiClient();

/** How long a render without the data waits before asking for it itself. */
const ASK_AFTER_MS = 250;

function parsed<T>(raw: unknown): T | null {
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

export interface ActionData<T> {
  /** The data, or null while it is on its way (or could not be loaded: see `failed`). */
  data: T | null;
  /** Replaces the data (a refusal's answer carrying the page as it is now). */
  setData: (value: T) => void;
  /** Asking for the data failed; `retry` asks again. */
  failed: boolean;
  retry: () => void;
}

export function useActionData<T>(opts: {
  resourceId: string;
  record: RecordJSON | undefined;
  actionName: string;
  /** The record param the action's GET fills (JSON). */
  param: string;
  /**
   * Given the record the hook asked for itself (when it held the data). A field of an edit form passes the form's
   * onChange, so the whole form takes the record its action's GET answers (the values it shows, their options)
   * instead of the page's record it was left with.
   */
  onRecord?: (record: RecordJSON) => void;
}): ActionData<T> {
  const { resourceId, record, actionName, param } = opts;
  const onRecord = useRef(opts.onRecord);
  onRecord.current = opts.onRecord;
  const raw = record?.params?.[param] as unknown;
  const recordId = record?.id === undefined || record.id === null ? '' : String(record.id);
  // The data with the record it is of: a page moved to another record (the same action on another order) holds none
  // until that record's own data comes.
  const [held, setHeld] = useState<{ recordId: string; value: T } | null>(() => {
    const value = parsed<T>(raw);
    return value === null ? null : { recordId, value };
  });
  const data = held !== null && held.recordId === recordId ? held.value : null;
  const setData = (value: T) => setHeld({ recordId, value });
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);

  // A later record that holds the data (AdminJS's answer, an action's response merged in) replaces it.
  useEffect(() => {
    const value = parsed<T>(raw);
    if (value !== null) setHeld({ recordId, value });
  }, [raw, recordId]);

  const loaded = data !== null;
  useEffect(() => {
    if (loaded || recordId === '') return;
    let live = true;
    const timer = setTimeout(() => {
      setFailed(false);
      api
        .recordAction({ resourceId, recordId, actionName })
        .then((res) => {
          if (!live) return;
          const next = parsed<T>(res.data.record?.params?.[param]);
          if (next === null) return setFailed(true);
          setHeld({ recordId, value: next });
          onRecord.current?.(res.data.record);
        })
        .catch(() => {
          if (live) setFailed(true);
        });
    }, ASK_AFTER_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [loaded, recordId, resourceId, actionName, param, attempt]);

  return {
    data,
    setData,
    failed,
    retry: () => {
      setFailed(false);
      setAttempt((n) => n + 1);
    },
  };
}

/**
 * What a page shows while its data is on its way (`loading`, e.g. "Loading the order's pay window…") or after it could
 * not be loaded (`failedMessage`, in a danger box with "Try again"): one look on every page that uses the hook. Plain
 * createElement, as this file is .ts (the bundler compiles it behind its .js name).
 */
export function LoadPending(props: {
  data: Pick<ActionData<unknown>, 'failed' | 'retry'>;
  loading: string;
  failedMessage: string;
  /** data-testid of the danger box. */
  failedTestId: string;
}): React.ReactElement {
  const { data, loading, failedMessage, failedTestId } = props;
  if (!data.failed) return React.createElement(Text, null, loading);
  return React.createElement(
    React.Fragment,
    null,
    React.createElement(MessageBox, { variant: 'danger', message: failedMessage, 'data-testid': failedTestId }),
    React.createElement(
      Box,
      { mt: 'default' },
      React.createElement(Button, { type: 'button', size: 'sm', variant: 'outlined', onClick: data.retry }, 'Try again'),
    ),
  );
}
