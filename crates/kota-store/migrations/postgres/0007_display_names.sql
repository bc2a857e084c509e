-- People are shown by a display name, never by their e-mail address. Existing users get the
-- part of their address before the `@` as their name (they can change it on /account), and
-- what Kota recorded with an address for others to see (who wrote a plan version, who reported
-- project progress) is rewritten to the person's public label: "name, role, place", as
-- kota_domain::access::Principal::public_label writes it. The audit log stays as it is (it is
-- hash-chained); it is shown with each person's label, looked up by actor_id.
-- Kept in step with ../sqlite/0007_display_names.sql.

ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
UPDATE users SET display_name = split_part(email, '@', 1);

CREATE TEMPORARY TABLE user_labels AS
SELECT u.email,
       u.display_name || ', ' || CASE u.role
           WHEN 'city_officer' THEN 'city officer, ' || c.name
           WHEN 'national_representative' THEN 'national representative, ' || s.name
           WHEN 'partner_representative' THEN 'partner representative, ' || p.name
           WHEN 'coordinator' THEN 'coordinator'
           ELSE 'administrator'
       END AS label
FROM users u
LEFT JOIN cities c ON c.id = u.city_id
LEFT JOIN member_states s ON s.iso2 = u.state_iso2
LEFT JOIN partners p ON p.id = u.partner_id;

UPDATE action_plans
SET author = (SELECT l.label FROM user_labels l WHERE l.email = action_plans.author)
WHERE author IN (SELECT email FROM user_labels);

UPDATE action_plans
SET source = 'Written in Kota by '
    || (SELECT l.label FROM user_labels l WHERE 'Written in Kota by ' || l.email = action_plans.source)
WHERE source IN (SELECT 'Written in Kota by ' || email FROM user_labels);

UPDATE project_updates
SET actor = (SELECT l.label FROM user_labels l WHERE l.email = project_updates.actor)
WHERE actor IN (SELECT email FROM user_labels);

DROP TABLE user_labels;
