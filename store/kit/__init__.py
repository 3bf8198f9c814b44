"""Shared kernel: settings, database, errors, auth primitives, money, storage.

Imports no other project package.
"""
