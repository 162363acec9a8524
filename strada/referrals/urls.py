from django.urls import path

from strada.referrals import alert_views, export_views, stats_views, views

app_name = "referrals"
urlpatterns = [
    # Referrals: the organisation's sent and received referrals, the inbox, one referral.
    path("", views.referral_list, name="list"),
    path("inbox/", views.inbox, name="inbox"),
    path("new/<uuid:client_id>/", views.referral_new, name="new"),
    path("<uuid:referral_id>/", views.referral_detail, name="referral"),
    path("<uuid:referral_id>/accept/", views.referral_accept, name="accept"),
    path("<uuid:referral_id>/decline/", views.referral_decline, name="decline"),
    path("<uuid:referral_id>/revoke/", views.referral_revoke, name="revoke"),
    path("<uuid:referral_id>/complete/", views.referral_complete, name="complete"),
    path("<uuid:referral_id>/reply/", views.referral_reply, name="reply"),
    path("<uuid:referral_id>/export/", export_views.referral_export, name="export"),
    path("notifications/", views.notifications, name="notifications"),
    # Duplicate alerts across organisations.
    path("duplicates/", alert_views.alert_list, name="alerts"),
    path("duplicates/settings/", alert_views.linkage_settings, name="linkage_settings"),
    path("duplicates/<uuid:alert_id>/", alert_views.alert_detail, name="alert"),
    path("duplicates/<uuid:alert_id>/request/", alert_views.alert_request, name="alert_request"),
    path("duplicates/<uuid:alert_id>/answer/", alert_views.alert_answer, name="alert_answer"),
    path("duplicates/<uuid:alert_id>/dismiss/", alert_views.alert_dismiss, name="alert_dismiss"),
    # Counts only: for the organisation and, for the secretariat, the network.
    path("statistics/", stats_views.referral_stats, name="stats"),
]
