"""Cloud command lines: deletes the aws, gcloud/gsutil and az rules must see, and their reads."""

from __future__ import annotations

import pytest

from countersign.facts.shell import Severity, ShellContext, classify
from countersign.guard.prescreen import clearly_harmless

ROOT = "/work/project"
CTX = ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev")


@pytest.mark.parametrize(
    ("command", "severity"),
    [
        ("gsutil rm gs://shop-assets/logo.png", Severity.MEDIUM),
        ("gcloud storage rm gs://shop-assets/logo.png", Severity.MEDIUM),
        ("az storage blob delete-batch --source assets --pattern '*.png'", Severity.HIGH),
        ("az acr repository untag --name shopacr --image web:1.4.2", Severity.HIGH),
        (
            "aws sns unsubscribe --subscription-arn arn:aws:sns:eu-west-1:1:alerts:5",
            Severity.MEDIUM,
        ),
    ],
)
def test_cloud_deletes_are_asked(command, severity):
    (finding,) = classify(command, ROOT, CTX)
    assert (finding.rule, finding.severity) == ("cloud.delete", severity)
    assert not clearly_harmless(command, configured=False)


@pytest.mark.parametrize(
    "command",
    [
        "gsutil ls gs://shop-assets",
        "gcloud storage ls gs://shop-assets",
        "az storage blob list --container-name assets",
        "az acr repository show-tags --name shopacr --repository web",
        "aws sns list-subscriptions-by-topic --topic-arn arn:aws:sns:eu-west-1:1:alerts",
        "aws sns subscribe --topic-arn arn:aws:sns:eu-west-1:1:alerts --protocol email",
    ],
)
def test_cloud_reads_pass(command):
    assert classify(command, ROOT, CTX) == []
