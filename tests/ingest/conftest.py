"""The admin's fixtures (an account, a signed-in client): the tests of what a re-import does to admins'
changes make those changes as an admin does, through the admin routes."""

from tests.admin.conftest import account, admin_client, app  # noqa: F401
