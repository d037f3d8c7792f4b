from annotation.models.annotations import Annotation, AnnotationRevision, Prediction
from annotation.models.audit import AuditEvent
from annotation.models.embeddings import TaskEmbedding
from annotation.models.jobs import Job
from annotation.models.organizations import Membership, Organization, Role
from annotation.models.projects import PiiPolicy, Project, TaskOrder
from annotation.models.tasks import Assignment, Task, TaskStatus

__all__ = [
    "Annotation",
    "AnnotationRevision",
    "Assignment",
    "AuditEvent",
    "Job",
    "Membership",
    "Organization",
    "Prediction",
    "Project",
    "Role",
    "PiiPolicy",
    "Task",
    "TaskEmbedding",
    "TaskOrder",
    "TaskStatus",
]
