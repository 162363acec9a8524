from django.urls import path

from strada.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.settings_page, name="settings"),
]
