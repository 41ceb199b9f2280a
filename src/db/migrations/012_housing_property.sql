-- Housing reports name the same properties every month: an earlier report's linked resident of a
-- property settles a later report's doubt (src/matching/same-property.ts), looked up by property.
CREATE INDEX feed_records_housing_property ON feed_records (agency, (record->>'propertyId')) WHERE feed = 'housing';
