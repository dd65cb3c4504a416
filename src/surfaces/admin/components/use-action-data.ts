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
//
// Data the record holds is trusted only when it is not AdminJS's leftover. The record a page is first rendered with,
// before AdminJS's own answer, is the previous page's; after a failed answer the page is rendered with it again, and it
// can still hold this page's data from an earlier visit (Refund opened, the order's page failed to load, Refund
// opened again after a refund was made: the old record still said the lines before that refund). So the data the
// first render of a visit (one entry in the browser history) was given is not taken when a later render of the same
// visit is given it again: the page asks for its own. Only an answer to this page's own ask, or a record with other
// data, is taken. Pages of one record asking the same action at once share one request, and every page waiting for
// that action's data takes it from any of their answers (a customer's orders and History, one Try again for both).
import React, { useEffect, useRef, useState } from 'react';
import { Box, Button, MessageBox, Text } from '@adminjs/design-system';
import { ApiClient, type RecordJSON } from 'adminjs';
import { useLocation } from 'react-router';

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

/** Per page (resource, record, param): the visit its last first render was on, and the data that render was given. */
const firstGiven = new Map<string, { visit: string; raw: unknown }>();

/** The pages' own asks per action of a record: the one in flight, and the pages waiting for its answer. */
const asking = new Map<string, Promise<RecordJSON | undefined>>();
const waiting = new Map<string, Set<(record: RecordJSON) => void>>();

function ask(resourceId: string, recordId: string, actionName: string): Promise<RecordJSON | undefined> {
  const key = `${resourceId}\n${recordId}\n${actionName}`;
  const pending = asking.get(key);
  if (pending) return pending;
  const answer = api
    .recordAction({ resourceId, recordId, actionName })
    .then((res) => res.data.record as RecordJSON | undefined)
    .finally(() => asking.delete(key));
  asking.set(key, answer);
  answer.then(
    (record) => {
      if (record) for (const take of [...(waiting.get(key) ?? [])]) take(record);
    },
    () => undefined,
  );
  return answer;
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
  const visit = useLocation().key;
  // Judged once, on this page's first render: the data it was given is a leftover when the first render of this same
  // visit was given it too (that one was AdminJS's render before its answer; this one came after the answer failed).
  const [leftover] = useState<unknown>(() => {
    const key = `${resourceId}\n${recordId}\n${param}`;
    const before = firstGiven.get(key);
    firstGiven.set(key, { visit, raw });
    return raw !== undefined && before?.visit === visit && before.raw === raw ? raw : undefined;
  });
  const trusted = (value: unknown): T | null => (leftover !== undefined && value === leftover ? null : parsed<T>(value));
  // The data with the record it is of: a page moved to another record (the same action on another order) holds none
  // until that record's own data comes.
  const [held, setHeld] = useState<{ recordId: string; value: T } | null>(() => {
    const value = trusted(raw);
    return value === null ? null : { recordId, value };
  });
  const data = held !== null && held.recordId === recordId ? held.value : null;
  const setData = (value: T) => setHeld({ recordId, value });
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);

  // A later record that holds the data (AdminJS's answer, an action's response merged in) replaces it.
  useEffect(() => {
    const value = trusted(raw);
    if (value !== null) setHeld({ recordId, value });
    // (`trusted` reads only `leftover`, fixed for the page's life.)
  }, [raw, recordId]);

  // Any answer to a page's own ask for this action of this record: the data it holds is this page's.
  useEffect(() => {
    if (recordId === '') return;
    const key = `${resourceId}\n${recordId}\n${actionName}`;
    const take = (fresh: RecordJSON) => {
      const value = parsed<T>(fresh.params?.[param]);
      if (value === null) return;
      setFailed(false);
      setHeld({ recordId, value });
      onRecord.current?.(fresh);
    };
    const pages = waiting.get(key) ?? new Set();
    waiting.set(key, pages.add(take));
    return () => {
      pages.delete(take);
      if (pages.size === 0) waiting.delete(key);
    };
  }, [resourceId, recordId, actionName, param]);

  const loaded = data !== null;
  useEffect(() => {
    if (loaded || recordId === '') return;
    let live = true;
    const timer = setTimeout(() => {
      setFailed(false);
      ask(resourceId, recordId, actionName)
        .then((fresh) => {
          // A record with the data was taken by every waiting page (above); one without it is a failure.
          if (live && parsed<T>(fresh?.params?.[param]) === null) setFailed(true);
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
