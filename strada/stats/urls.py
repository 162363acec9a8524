from django.urls import path

from strada.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/open/", views.round_open, name="round_open"),
    path("rounds/<uuid:round_id>/close/", views.round_close, name="round_close"),
    path("rounds/<uuid:round_id>/prepare/", views.prepare, name="prepare"),
    path("rounds/<uuid:round_id>/review/", views.round_review, name="round_review"),
    path("rounds/<uuid:round_id>/publish/", views.round_publish, name="round_publish"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/add/", views.indicator_add, name="indicator_add"),
    path("catalogue/<str:code>/revise/", views.indicator_add, name="indicator_revise"),
    path("submissions/<uuid:submission_id>/", views.submission_detail, name="submission"),
    path("submissions/<uuid:submission_id>/figure/", views.figure, name="figure"),
    path("submissions/<uuid:submission_id>/narrative/", views.narrative, name="narrative"),
    path("submissions/<uuid:submission_id>/upload/", views.upload, name="upload"),
    path("submissions/<uuid:submission_id>/figures.csv", views.figures_csv, name="figures_csv"),
    path("submissions/<uuid:submission_id>/submit/", views.submit, name="submit"),
    path("review/<uuid:submission_id>/", views.review, name="review"),
    path("review/<uuid:submission_id>/<slug:decision>/", views.review_decide, name="decide"),
]
