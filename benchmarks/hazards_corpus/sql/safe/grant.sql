-- grant
GRANT SELECT ON orders TO reporting;
