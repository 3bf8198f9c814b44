"""Service plugins: SDK, registry of releases, runtime, first-party services."""
