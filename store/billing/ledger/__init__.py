"""The internal double-entry ledger (TigerBeetle model in SQL): see service.py and codes.py."""
