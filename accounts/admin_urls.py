"""Django's admin at admin/ (mounted at the root by xat's URLconf), its login form throttled."""

from django.contrib import admin
from django.urls import path

from accounts.admin import admin_login

urlpatterns = [
    # Before the admin's own login/ route: the same view, throttled.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
]
