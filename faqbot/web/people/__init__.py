"""People: the admins' user pages (invite, role, deactivate, reset password) and everyone's
profile (display name, notification settings, password), with their API under
``/api/v1/admin/users`` and ``/api/v1/me``.  The rules live in :mod:`faqbot.web.core.accounts`."""
