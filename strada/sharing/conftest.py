from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    """Background tasks run synchronously in these tests (django-tasks' immediate backend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
