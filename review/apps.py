from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"

    def ready(self) -> None:
        from annotation.signals import task_completed
        from review.receivers import enqueue_consistency_check

        task_completed.connect(enqueue_consistency_check, dispatch_uid="review.enqueue_consistency_check")

        from annotation.gates import register_policy_validator
        from review.services.policy import review_policy_validate

        register_policy_validator("review.policy", review_policy_validate)

