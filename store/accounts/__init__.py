"""Accounts, mandates (who acts for which collectivité or publisher), API tokens."""
