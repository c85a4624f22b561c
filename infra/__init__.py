"""The Pulumi program's components: one per concern, wired by __main__.py."""
