"""Which resource types hold state: destroying them loses data, so they rank highest; and how
severe destroying a resource is."""

from __future__ import annotations

import re

from countersign.facts.severity import Severity

# Words of a resource type name (Terraform ``aws_db_instance``, CloudFormation
# ``AWS::RDS::DBInstance``) that mark a store of data or a whole environment. Whole words only:
# ``aws_route_table`` is not a database table, ``aws_iam_access_key`` is not a KMS key.
STATEFUL_WORDS = frozenset(
    {
        "db", "dbinstance", "dbcluster", "rds", "database", "sql", "postgresql", "mysql",
        "redshift", "dynamodb", "docdb", "documentdb", "neptune", "cosmosdb", "spanner",
        "bigtable", "bigquery", "firestore", "elasticache", "redis", "memorystore", "opensearch",
        "elasticsearch", "bucket", "volume", "disk", "efs", "fsx", "filesystem", "storage",
        "sqs", "queue", "kinesis", "msk", "kafka", "kms", "secret", "keyvault", "vault",
        "zone", "hostedzone", "cluster", "namespace", "persistentvolumeclaim", "stack",
        "backup", "dataset", "snapshot",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")


def is_stateful(resource_type: str) -> bool:
    return any(word in STATEFUL_WORDS for word in _WORD.findall(resource_type.lower()))


def destroy_severity(stateful: bool, production: bool) -> Severity:
    """Destroying: critical for state in production, high for either alone, else medium."""
    if stateful and production:
        return Severity.CRITICAL
    if stateful or production:
        return Severity.HIGH
    return Severity.MEDIUM
