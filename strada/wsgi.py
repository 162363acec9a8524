import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strada.settings")
application = get_wsgi_application()

from strada.orgs.keys import verify_master_key  # noqa: E402

verify_master_key()
