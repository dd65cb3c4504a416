// A tick box whose description is written under it. AdminJS puts a description behind a "?" inside the box's
// label: on a phone, tapping the "?" to read it ticked (or unticked) the box, and its tooltip ran off a 390 px
// screen. The value is read and written as AdminJS's own tick box does; no required star (unticked is an answer).
import React from 'react';
import { CheckBox, FormGroup, FormMessage, Label, Text } from '@adminjs/design-system';
import { useTranslation, type EditPropertyProps } from 'adminjs';

const CheckBoxWithHelp: React.FC<EditPropertyProps> = ({ property, record, onChange }) => {
  const { translateProperty, tm } = useTranslation();
  const raw = record?.params?.[property.path];
  const checked = !(!raw || raw === 'false');
  const error = record?.errors?.[property.path];
  return (
    <FormGroup error={!!error}>
      <CheckBox
        id={property.path}
        name={property.path}
        checked={checked}
        disabled={property.isDisabled}
        onChange={() => {
          if (!property.isDisabled) onChange(property.path, !checked);
        }}
      />
      <Label htmlFor={property.path} inline>
        {translateProperty(property.label, property.resourceId)}
      </Label>
      {property.description ? (
        <Text variant="sm" color="grey60" mt="sm" data-testid={`${property.path}-help`}>
          {tm(property.description, property.resourceId)}
        </Text>
      ) : null}
      <FormMessage>{error && tm(error.message, property.resourceId)}</FormMessage>
    </FormGroup>
  );
};

export default CheckBoxWithHelp;
