"""First-party services, built with the public SDK and published through the same pipeline.

Each folder with a hyphenated name is a plugin source tree (manifest + package); ``seed`` builds,
publishes and approves them for the demo.
"""
