from django.urls import path

urlpatterns: list = []

# imports (annotation/api/imports.py)
