"""The admin's fixtures, for the admin side of the report queue."""

from tests.admin.conftest import account, admin_client, app  # noqa: F401
