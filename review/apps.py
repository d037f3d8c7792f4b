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

        # Certification levels (review/services/certification.py): next-task asks this gate.
        from annotation.gates import register_work_gate
        from review.services.certification import min_annotator_level_gate

        register_work_gate("review.min_annotator_level", min_annotator_level_gate)

        from annotation.signals import demo_loaded
        from review.demo_certs import demo_certifications

        demo_loaded.connect(demo_certifications, dispatch_uid="review.demo_certifications")

        # The review side of the demo: seeded annotations, review items, accepted tasks.
        from annotation.signals import demo_loaded
        from review.demo_seed import demo_seed

        demo_loaded.connect(demo_seed, dispatch_uid="review.demo_seed")
