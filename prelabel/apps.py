from django.apps import AppConfig


class PrelabelConfig(AppConfig):
    name = "prelabel"

    def ready(self) -> None:
        from celery.signals import worker_process_init

        from annotation.gates import register_prelabel_validator
        from annotation.signals import demo_loaded, task_accepted, tasks_imported
        from prelabel.demo import demo_prelabel
        from prelabel.receivers import on_task_accepted, on_tasks_imported
        from prelabel.services.flywheel import prelabel_settings_validate
        from prelabel.worker import limit_torch_threads

        worker_process_init.connect(limit_torch_threads, dispatch_uid="prelabel.limit_torch_threads")
        task_accepted.connect(on_task_accepted, dispatch_uid="prelabel.flywheel")
        tasks_imported.connect(on_tasks_imported, dispatch_uid="prelabel.embeddings")
        register_prelabel_validator("prelabel", prelabel_settings_validate)
        demo_loaded.connect(demo_prelabel, dispatch_uid="prelabel.demo_prelabel")
