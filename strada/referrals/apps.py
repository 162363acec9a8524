from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "strada.referrals"
    verbose_name = "Referrals"
