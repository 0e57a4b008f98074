from __future__ import annotations

from hazard_cases import diff, kinds

from countersign.facts.context import Context
from countersign.facts.hazards import Severity, find_hazards
from countersign.intake.change import Artifact, Change, FileChange, FileStatus

DB = """resource "aws_db_instance" "main" {
  engine = "postgres"
  lifecycle {
    prevent_destroy = true
  }
}
"""
BUCKET = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'
SG = """resource "aws_security_group" "bastion" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["CIDR"]
  }
}
"""


def change(*files: tuple[str, str | None, str | None]) -> Change:
    records, artifacts = [], []
    for path, old, new in files:
        status = FileStatus.DELETED if new is None else FileStatus.MODIFIED
        records.append(FileChange(path, status, old_text=old, new_text=new))
        if new is not None:
            artifacts.append(Artifact(path, new, origin="diff", previous_text=old))
    return Change("a", "b", "", files=tuple(records), artifacts=tuple(artifacts))


def hazards(*files: tuple[str, str | None, str | None]):
    return find_hazards(change(*files), Context())


def test_removed_resource_block_is_a_delete():
    (hazard,) = hazards(("infra/main.tf", DB + BUCKET, DB))
    assert (hazard.kind, hazard.resource, hazard.severity) == (
        "infra.delete",
        "aws_s3_bucket.logs",
        Severity.HIGH,
    )
    assert "removed from infra/main.tf (line 7 before the change)" in hazard.detail


def test_resource_moved_to_another_file_is_not_a_delete():
    assert hazards(("infra/main.tf", DB + BUCKET, DB), ("infra/storage.tf", None, BUCKET)) == ()


def test_moved_block_is_not_a_delete():
    moved = "moved {\n  from = aws_s3_bucket.logs\n  to   = aws_s3_bucket.audit\n}\n"
    new = DB + moved + BUCKET.replace('"logs" {', '"audit" {')
    assert hazards(("infra/main.tf", DB + BUCKET, new)) == ()


def test_removed_block_is_a_forget():
    removed = "removed {\n  from = aws_s3_bucket.logs\n  lifecycle {\n    destroy = false\n  }\n}\n"
    assert kinds(hazards(("infra/main.tf", DB + BUCKET, DB + removed))) == ["infra.forget"]


def test_deleted_file_in_production_directory_is_critical_for_state():
    (hazard,) = hazards(("envs/prod/db.tf", DB, None))
    assert (hazard.kind, hazard.severity, hazard.env) == ("infra.delete", Severity.CRITICAL, "prod")


def test_prevent_destroy_removed_and_its_safe_counterpart():
    unprotected = DB.replace("prevent_destroy = true", "create_before_destroy = true")
    (hazard,) = hazards(("main.tf", DB, unprotected))
    assert (hazard.kind, hazard.line) == ("infra.prevent_destroy_removed", 1)
    assert hazards(("main.tf", DB, DB.replace('"postgres"', '"postgres16"'))) == ()


def test_force_destroy_added_and_its_safe_counterpart():
    forced = BUCKET.replace('bucket = "logs"', 'bucket = "logs"\n  force_destroy = true')
    assert kinds(hazards(("main.tf", BUCKET, forced))) == ["infra.force_destroy_added"]
    assert hazards(("main.tf", forced, forced.replace('"logs"\n', '"logs2"\n'))) == ()


def test_ingress_opened_to_the_world_on_ssh_and_the_private_counterpart():
    private, world = SG.replace("CIDR", "10.0.0.0/8"), SG.replace("CIDR", "0.0.0.0/0")
    (hazard,) = hazards(("sg.tf", private, world))
    assert hazard.kind == "net.world_open"
    assert "22 (SSH)" in hazard.detail
    assert hazards(("sg.tf", world, world.replace("bastion", "bastion"))) == ()
    assert hazards(("sg.tf", SG.replace("CIDR", "10.1.0.0/16"), private)) == ()


def test_ipv6_world_on_postgres_port():
    sg = SG.replace("22", "5432").replace('cidr_blocks = ["CIDR"]', 'ipv6_cidr_blocks = ["::/0"]')
    assert kinds(hazards(("sg.tf", None, sg))) == ["net.world_open"]


def test_unparseable_hcl_is_unanalysable():
    (hazard,) = hazards(("main.tf", DB, 'resource "x" {'))
    assert hazard.kind == "artifact.unanalysable"


def test_a_large_file_read_in_pieces_finds_what_the_whole_would():
    blocks = [
        f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "shop-{i}"\n  tags = {{ a = "{i}" }}\n}}\n'
        for i in range(400)
    ]
    old = "".join(blocks)
    assert len(old) > 8 * 1024 * 2
    new = "".join(blocks[:399]).replace('"shop-5"', '"shop-5"\n  force_destroy = true')
    hazards = diff("infra/main.tf", new, old)
    assert sorted((h.kind, h.resource) for h in hazards) == [
        ("infra.delete", "aws_s3_bucket.b399"),
        ("infra.force_destroy_added", "aws_s3_bucket.b5"),
    ]
