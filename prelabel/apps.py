from django.apps import AppConfig


class PrelabelConfig(AppConfig):
    name = "prelabel"

    def ready(self) -> None:
        from celery.signals import worker_process_init

        from prelabel.worker import limit_torch_threads

        worker_process_init.connect(limit_torch_threads, dispatch_uid="prelabel.limit_torch_threads")
