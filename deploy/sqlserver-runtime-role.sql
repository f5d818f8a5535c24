-- ScorePortal on SQL Server: the portal's run-time role (docs/deploy.md, "Who reaches the database").
--
-- Run once per database by the DEPLOY identity (the one that applies migrations; db_owner), after the migrations:
--   sqlcmd -S <server> -d ScorePortal -G -v AppUser="scoreportal-app" -i deploy/sqlserver-runtime-role.sql
-- (-G: Microsoft Entra authentication; the person running it signs in with MFA.)
--
-- The portal's own login (AppUser: a managed identity or Entra service principal, never a shared SQL login) gets read
-- and write on the tables and nothing that changes the schema: no ALTER, no CREATE, no CONTROL, no db_owner or
-- db_ddladmin. Migrations therefore always run under the separate deploy identity. The test
-- ScorePortal.Tests/Features/Data/RuntimeRoleScriptTests checks this file.

IF DATABASE_PRINCIPAL_ID(N'scoreportal_runtime') IS NULL
    CREATE ROLE [scoreportal_runtime];
GO

GRANT SELECT ON SCHEMA::[dbo] TO [scoreportal_runtime];
GRANT INSERT ON SCHEMA::[dbo] TO [scoreportal_runtime];
GRANT UPDATE ON SCHEMA::[dbo] TO [scoreportal_runtime];
GRANT DELETE ON SCHEMA::[dbo] TO [scoreportal_runtime];
GRANT EXECUTE ON SCHEMA::[dbo] TO [scoreportal_runtime];
GO

IF DATABASE_PRINCIPAL_ID(N'$(AppUser)') IS NULL
    CREATE USER [$(AppUser)] FROM EXTERNAL PROVIDER;
GO

ALTER ROLE [scoreportal_runtime] ADD MEMBER [$(AppUser)];
GO
