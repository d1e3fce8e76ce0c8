"""Benchmarks: scripts that print figures (medians, ratios), never timed tests.

They build apps in their own process on this machine, which a bare server refuses without a secret key
(app.config.Settings.check_serving): as the quick start does, they say development by name unless the
environment says otherwise."""

import os

os.environ.setdefault("UNGA_ENVIRONMENT", "development")
