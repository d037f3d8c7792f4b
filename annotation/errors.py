from rest_framework import status
from rest_framework.exceptions import APIException


class Conflict(APIException):
    """409: the write would lose someone's work or break overlap; the body says why."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"

    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.extra = extra


class ServiceUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The task queue is unavailable; nothing was started. Try again shortly."
    default_code = "broker_unavailable"
