"""Users, teams, roles, sign-in sessions, API tokens, the case-access guard and the audit trail."""
