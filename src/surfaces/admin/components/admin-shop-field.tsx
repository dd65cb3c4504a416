// The admin user form's shop (tenant) field. Who an admin works for is decided on the server
// (resources/settings.resources.ts): a shop admin's people always work for that shop, and a platform admin
// belongs to no shop. So the picker is shown only where it decides something, a platform admin giving a
// shop role; elsewhere the field says in words what will be saved.
import React from 'react';
import { Box, FormGroup, FormMessage, Text } from '@adminjs/design-system';
import { BasePropertyComponent, PropertyLabel, useCurrentAdmin, type EditPropertyProps } from 'adminjs';

const AdminShopField: React.FC<EditPropertyProps> = (props) => {
  const { property, record } = props;
  const [me] = useCurrentAdmin();
  const platform = (me as { role?: string } | null)?.role === 'PLATFORM_ADMIN';
  const role = String(record?.params?.role ?? '');
  const error = record?.errors?.[property.path];
  if (platform && role !== 'PLATFORM_ADMIN') {
    // AdminJS's own reference picker: the same property without this component.
    return <BasePropertyComponent {...props} property={{ ...property, components: undefined }} />;
  }
  const says = platform ? 'None: a platform admin belongs to no shop.' : 'Your shop: the people you add work for your shop only.';
  return (
    <FormGroup error={Boolean(error)} data-testid="admin-shop-field">
      <PropertyLabel property={property} />
      <Box py="sm">
        <Text>{says}</Text>
      </Box>
      {error ? <FormMessage>{error.message}</FormMessage> : null}
    </FormGroup>
  );
};

export default AdminShopField;
