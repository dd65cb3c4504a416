// A New form's field that opens holding what the record gets when the field is left as it is: the column's
// default (a product, shipping type or discount on sale, a shop that tracks its stock, sort order 0), or, for
// a currency, the shop's own (window.LEDGERLINE_PAGE, written by auth/csrf-page.ts).
// AdminJS opens every New form empty: a tick box left as it opened saved "off" against a default of "on" (a
// product no customer could see, a new shop that did not reserve stock), and a required number had to be typed
// although it has a default. The field is otherwise AdminJS's own; an edit form shows what is stored.
// Which fields, and their values, are decided on the server (resources/new-form-defaults.ts).
import React, { useEffect } from 'react';
import { BasePropertyComponent, type EditPropertyProps } from 'adminjs';

interface WhenNew {
  /** The value the field opens with in a New form. */
  whenNew?: string | boolean;
  /** A key of the page context that, when the page has it, is taken instead ("currency": the shop's). */
  whenNewFromShop?: string;
}

const pageContext = (): Record<string, unknown> =>
  (window as unknown as { LEDGERLINE_PAGE?: Record<string, unknown> }).LEDGERLINE_PAGE ?? {};

const FilledWhenNew: React.FC<EditPropertyProps> = (props) => {
  const { property, record, onChange } = props;
  const custom = (property.custom ?? {}) as WhenNew;
  const fromShop = custom.whenNewFromShop ? pageContext()[custom.whenNewFromShop] : undefined;
  const value = typeof fromShop === 'string' && fromShop ? fromShop : custom.whenNew;
  const unset = !record?.id && record?.params?.[property.path] === undefined && value !== undefined;
  useEffect(() => {
    if (unset) onChange(property.path, value);
  }, [unset]);
  // AdminJS's own field: the same property without this component.
  return <BasePropertyComponent {...props} property={{ ...property, components: undefined }} />;
};

export default FilledWhenNew;
