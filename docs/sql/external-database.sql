-- Prepares an external PostgreSQL (15 or newer) for Bulwark: two roles and one database.
-- Run once, as a superuser or a role with CREATEROLE and CREATEDB, for example:
--
--   psql "$ADMIN_URL" -v owner_password="$DATABASE_OWNER_PASSWORD" -v app_password="$DATABASE_APP_PASSWORD" \
--        -f docs/sql/external-database.sql
--
-- On managed services whose admin is not a superuser (RDS, Cloud SQL, Azure), first run
--   GRANT bulwark_owner TO <your admin role>;
-- after the CREATE ROLE lines, so the admin may create the database on the owner's behalf.
-- The role names are the defaults of DATABASE_OWNER_USER and DATABASE_APP_USER.

-- Owns the schema and runs the migrations. Bulwark uses it only at start, for Flyway.
CREATE ROLE bulwark_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'owner_password';

-- Serves every request. Owns nothing, bypasses nothing: row-level security applies to all it does.
-- The migrations grant it exactly the table privileges it needs.
CREATE ROLE bulwark_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT
    PASSWORD :'app_password';

CREATE DATABASE bulwark OWNER bulwark_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE bulwark FROM PUBLIC;
GRANT CONNECT ON DATABASE bulwark TO bulwark_app;
