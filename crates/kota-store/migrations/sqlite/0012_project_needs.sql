-- What a project needs, in the words business matching uses: the support it seeks (funding,
-- technical assistance, knowledge, equipment, pilots), whether the city regards it as open to
-- private investment, and the day by which it needs the support.
ALTER TABLE projects RENAME COLUMN seeks TO support_sought;
ALTER TABLE projects RENAME COLUMN commercially_viable TO open_to_private_investment;
ALTER TABLE projects ADD COLUMN deadline TEXT;
UPDATE projects SET open_to_private_investment = FALSE WHERE open_to_private_investment IS NULL;
-- The earlier vocabulary's technology is now equipment, its capacity building knowledge.
UPDATE projects SET support_sought = replace(replace(support_sought, '"technology"', '"equipment"'),
                                             '"capacity_building"', '"knowledge"')
 WHERE support_sought LIKE '%"technology"%' OR support_sought LIKE '%"capacity_building"%';
