"""Evasions written against the shell model, one test per form: each hides a destructive command
in a way bash (or the tool) still runs, and each has a harmless counterpart that must pass."""

from __future__ import annotations

import base64

import pytest

from countersign.facts.shell import ShellContext, classify
from countersign.guard.decision import judge_command

ROOT = "/work/project"
CTX = ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev")


def decision(command: str) -> str:
    return judge_command(command, CTX).decision


def rule(command: str) -> str:
    return judge_command(command, CTX).rule


def test_ifs_stands_for_the_space_bash_splits_on() -> None:
    assert rule("rm$IFS-rf$IFS/") == "fs.recursive-delete"
    assert rule("rm${IFS}-rf${IFS}/") == "fs.recursive-delete"
    assert decision("IFS=,; echo a$IFS") == "allow"


def test_brace_expansion_builds_the_command() -> None:
    assert rule("{rm,-rf,/}") == "fs.recursive-delete"
    assert decision("rm -rf /{etc,usr}") == "deny"
    assert decision("echo {a,b}.txt") == "allow"
    assert decision("echo '{rm,-rf,/}'") == "allow"


def test_quotes_spliced_into_a_word_are_removed() -> None:
    assert decision("r''m -rf /") == "deny"
    assert decision("\"r\"m -r'f' /") == "deny"


def test_function_defined_earlier_runs_its_body_with_the_arguments() -> None:
    assert decision('f() { "$@"; }; f rm -rf /') == "deny"
    assert decision('g() { rm -rf "$1"; }; g /') == "deny"
    assert decision('g() { rm -rf "$1"; }; g build') == "allow"
    assert decision("function f { rm -rf /; }") == "deny"  # defined, not called: judged anyway


def test_recursive_function_does_not_loop() -> None:
    assert decision("f() { f; }; f") == "allow"


def test_alias_defined_earlier_is_judged_as_what_it_stands_for() -> None:
    assert decision("alias x='rm -rf'; x /") == "deny"
    assert decision("alias ll='ls -l'; ll") == "allow"


def test_git_alias_configured_in_the_same_line() -> None:
    assert rule("git config alias.p 'push --force origin main' && git p") == "git.force-push"
    assert decision("git config alias.st status && git st") == "allow"


def test_git_alias_given_with_dash_c() -> None:
    assert decision("git -c alias.p='!rm -rf /' p") == "deny"
    assert rule("git -c alias.p='push --force' p origin main") == "git.force-push"
    assert decision("git -c alias.l='log --oneline' l") == "allow"


def test_defining_a_destructive_git_alias_is_judged_as_running_it() -> None:
    assert rule("git config --global alias.wipe '!rm -rf ~'") == "fs.recursive-delete"


def test_printf_hex_and_octal_piped_to_a_shell() -> None:
    assert decision(r"printf '\x72\x6d\x20\x2d\x72\x66\x20\x2f' | sh") == "deny"
    assert decision(r"printf '\162\155\040\055\162\146\040\057' | bash") == "deny"
    assert decision(r"echo -e '\x72\x6d -rf /' | sh") == "deny"
    assert decision(r"printf '\x6c\x73' | sh") == "allow"


def test_rev_piped_to_a_shell() -> None:
    assert decision("echo '/ fr- mr' | rev | sh") == "deny"


@pytest.mark.parametrize(
    "command",
    [
        "awk 'BEGIN{system(\"rm -rf /\")}'",
        'awk \'BEGIN{print "rm -rf /" | "sh"}\'',
        "gawk -e 'BEGIN{system(\"rm -rf /\")}'",
        "ruby -e 'system(\"rm -rf /\")'",
        "ruby -e '%x(rm -rf /)'",
        "perl -e 'system \"rm -rf /\"'",
        "perl -e 'qx(rm -rf /)'",
        "php -r 'system(\"rm -rf /\");'",
        "lua -e 'os.execute(\"rm -rf /\")'",
    ],
)
def test_system_calls_in_any_interpreter_run_a_shell(command: str) -> None:
    assert decision(command) == "deny"


def test_system_call_with_a_path_known_at_run_time_is_asked() -> None:
    assert decision("awk '{system(\"rm -rf \" $1)}' list.txt") == "ask"
    assert decision("awk '{print $1}' list.txt") == "allow"


@pytest.mark.parametrize("tool", ["busybox", "toybox"])
def test_multicall_applets(tool: str) -> None:
    assert decision(f"{tool} rm -rf /") == "deny"
    assert decision(f"{tool} sh -c 'rm -rf /'") == "deny"
    assert decision(f"{tool} ls /") == "allow"


def test_env_split_string() -> None:
    assert decision("env -S 'rm -rf /'") == "deny"
    assert decision("env -S'rm -rf /'") == "deny"
    assert decision("env --split-string='rm -rf /'") == "deny"
    assert decision("env -S 'ls -l'") == "allow"


@pytest.mark.parametrize(
    "command",
    [
        "sudo VAR=x rm -rf /",
        "sudo -E VAR=x rm -rf /",
        "sudo -u deploy VAR=x rm -rf /",
        "sudo -- VAR=x rm -rf /",
        "sudo --preserve-env=PATH A=1 B=2 rm -rf /",
        "env -i VAR=x rm -rf /",
        "env -i -- A=1 rm -rf /",
        "doas VAR=x rm -rf /",
        "doas -u deploy VAR=x rm -rf /",
        "time VAR=x rm -rf /",
        "nohup sudo -E VAR=x env B=2 rm -rf /",
    ],
)
def test_env_assignments_after_a_wrapper_still_show_the_command(command: str) -> None:
    assert rule(command) == "fs.recursive-delete"


def test_env_assignments_after_a_wrapper_reach_the_rules() -> None:
    # the assignment is part of the command's environment, as if written before it
    assert decision("sudo VAR=x git push --force origin main") == "deny"
    assert decision("sudo -u ci AWS_PROFILE=prod aws s3 rb s3://logs --force") == decision(
        "AWS_PROFILE=prod aws s3 rb s3://logs --force"
    )
    assert decision("sudo VAR=x ls /") == "allow"
    assert decision("sudo -E VAR=x make install") == "allow"
    assert decision("env -i PATH=/usr/bin ls") == "allow"


@pytest.mark.parametrize(
    "command",
    [
        "sudo -Eu root rm -rf /",  # -u takes the next word even at the end of a cluster
        "sudo -nu root rm -rf /",
        "sudo --user root rm -rf /",
        "sudo --chdir /tmp rm -rf /",
        "sudo -R / rm -rf /",
        "sudo -Au root VAR=1 rm -rf /",
        "doas -nu root rm -rf /",
        "env -iu HOME rm -rf /",
        "env -iC /tmp rm -rf /",
        "env --chdir /tmp rm -rf /",
        "ssh -vp 22 host rm -rf /",
        "nice -n5 rm -rf /",
    ],
)
def test_wrapper_options_read_as_getopt_does(command: str) -> None:
    assert rule(command) == "fs.recursive-delete"


def test_wrapper_options_with_their_values_are_not_the_command() -> None:
    assert decision("sudo -u rm ls /") == "allow"  # a user named rm
    assert decision("env -u rm ls") == "allow"
    assert decision("sudo -Eu root ls /") == "allow"


def test_commands_inside_containers() -> None:
    assert rule("docker exec db psql -c 'DROP DATABASE app'") == "db.drop"
    assert rule("docker exec -it -u postgres db psql -c 'DROP TABLE users'") == "db.drop"
    assert rule("podman exec -e X=1 db psql -c 'DROP DATABASE app'") == "db.drop"
    assert rule("docker compose exec db psql -c 'DROP DATABASE app'") == "db.drop"
    assert rule("kubectl exec -it db-0 -- psql -c 'DROP DATABASE app'") == "db.drop"
    assert decision("docker exec db psql -c 'SELECT 1'") == "allow"


def test_tool_images_run_their_entrypoint() -> None:
    assert rule("docker run --rm hashicorp/terraform destroy") == "infra.terraform-destroy"
    assert rule("docker run -v $PWD:/w amazon/aws-cli:2.15 s3 rb s3://b --force") == (
        "cloud.bucket-delete"
    )
    assert rule("docker run --entrypoint rm alpine -rf /data") == "fs.recursive-delete"
    assert decision("docker run --rm hashicorp/terraform plan") == "allow"


def test_unknown_image_with_a_destructive_word_is_asked() -> None:
    assert rule("docker run --rm acme/dbtool drop-all --yes") == "exec.unresolved-command"
    assert decision("docker run --rm acme/dbtool drop-all --yes") == "ask"
    assert decision("docker run --rm node:20 npm test") == "allow"


def test_alternate_front_ends() -> None:
    assert rule("python3 -m awscli s3 rb s3://bucket --force") == "cloud.bucket-delete"
    assert decision("python3 -m awscli s3 ls") == "allow"


def test_sdk_one_liners_that_delete() -> None:
    boto = "python3 -c \"import boto3; boto3.client('s3').delete_bucket(Bucket='b')\""
    assert rule(boto) == "cloud.delete"
    js = "node -e \"const {S3Client, DeleteBucketCommand} = require('@aws-sdk/client-s3'); new DeleteBucketCommand({Bucket: 'b'})\""
    assert rule(js) == "cloud.delete"
    listing = "python3 -c \"import boto3; print(boto3.client('s3').list_buckets())\""
    assert decision(listing) == "allow"


def test_code_built_by_string_concatenation() -> None:
    assert decision("python3 -c \"import os; os.system('r'+'m -rf /')\"") == "deny"
    assert decision('perl -e \'system("r" . "m -rf /")\'') == "deny"
    assert decision("python3 -c \"import os; os.system(chr(114)+chr(109)+' -rf /')\"") == "deny"
    assert decision("node -e \"require('child_process')['exec'+'Sync']('rm -rf /')\"") == "deny"


def test_names_spelled_through_getattr_and_import() -> None:
    assert decision("python3 -c \"import os; getattr(os, 'sys'+'tem')('rm -rf /')\"") == "deny"
    assert decision("python3 -c \"__import__('os').system('rm -rf /')\"") == "deny"


def test_exec_of_decoded_bytes() -> None:
    payload = base64.b64encode(b"import os; os.system('rm -rf /')").decode()
    assert decision(f"python3 -c \"import base64; exec(base64.b64decode('{payload}'))\"") == (
        "deny"
    )
    hexed = b"import shutil; shutil.rmtree('/')".hex()
    assert decision(f"python3 -c \"exec(bytes.fromhex('{hexed}'))\"") == "deny"


def test_exec_of_data_that_cannot_be_decoded_is_asked() -> None:
    command = 'python3 -c "import base64,zlib; exec(zlib.decompress(base64.b64decode(x)))"'
    assert rule(command) == "exec.unseen-code"
    assert decision("python3 -c \"exec('print(1)')\"") == "allow"


def test_command_built_around_an_unknown_part_is_asked() -> None:
    command = "python3 -c \"import os; os.system(''.join(map(chr,[114,109])) + ' -rf /')\""
    assert decision(command) == "ask"


def test_heredoc_with_tabs_stripped() -> None:
    assert decision("bash <<-EOF\n\trm -rf /\n\tEOF\n") == "deny"
    assert decision("cat <<-EOF | sh\n\t\trm -rf /\n\tEOF\n") == "deny"


def test_heredoc_piped_on_to_a_shell() -> None:
    assert decision("cat <<EOF | sh\nrm -rf /\nEOF\n") == "deny"
    assert decision("cat <<EOF | cat | sh && echo done\nrm -rf /\nEOF\n") == "deny"
    assert decision("cat <<EOF | tr a b | sh\nrm -rf /\nEOF\n") == "ask"  # output unknown
    assert decision("cat <<EOF | sh\nls\nEOF\n") == "allow"


@pytest.mark.parametrize("dash", ["\u2014", "\u2013", "\u2212", "\u2010", "\uff0d"])
def test_dash_look_alikes_in_options(dash: str) -> None:
    assert decision(f"rm {dash}rf /") == "deny"
    assert decision(f"git push {dash}{dash}force origin main") == "deny"


def test_dash_in_prose_is_left_alone() -> None:
    assert decision("git commit -m 'fix \u2014 typo'") == "allow"


def test_redirection_before_the_operands() -> None:
    assert decision("rm -rf 2>/dev/null /") == "deny"
    assert decision("rm -rf >x /") == "deny"
    assert decision("rm -rf / 2>/dev/null") == "deny"
    assert decision("ls 2>/dev/null src") == "allow"


def test_argv_lists_are_quoted_not_joined() -> None:
    from countersign.guard.protocol import read_call

    raw = (
        b'{"hook_event_name": "PreToolUse", "tool_name": "shell", "cwd": "/w",'
        b' "tool_input": {"command": ["bash", "-lc", "git push --force origin main"]}}'
    )
    call = read_call("codex", raw, "/w")
    assert call.command == "bash -lc 'git push --force origin main'"
    assert decision(call.command) == "deny"


def test_every_finding_names_how_it_was_reached() -> None:
    findings = classify("busybox sh -c 'rm -rf /'", ROOT, CTX)
    assert findings[0].via == ("busybox", "sh -c")


# A variable exported earlier in the line is in the environment of every later command, as a
# ``NAME=value cmd`` prefix is in that one's: git reads another configuration file, Terraform
# more arguments, a nested shell passes both on.
@pytest.mark.parametrize(
    "command",
    [
        "export GIT_CONFIG_GLOBAL=/tmp/mine.gitconfig; git fetch origin",
        "export GIT_CONFIG_GLOBAL=/tmp/mine.gitconfig && git pull",
        "declare -x GIT_CONFIG_SYSTEM=/tmp/mine.gitconfig && git pull",
        "typeset -gx GIT_CONFIG=/tmp/mine.gitconfig; git fetch",
        "GIT_CONFIG_GLOBAL=/tmp/mine.gitconfig; export GIT_CONFIG_GLOBAL; git fetch origin",
        "GIT_CONFIG_GLOBAL=$(mktemp); export GIT_CONFIG_GLOBAL; git fetch origin",
        "export A=1 GIT_CONFIG_GLOBAL=/tmp/mine.gitconfig; git fetch origin",
        "set -a; GIT_CONFIG_GLOBAL=/tmp/mine.gitconfig; git fetch origin",
        "set -o allexport; GIT_CONFIG_GLOBAL=/tmp/mine.gitconfig; git fetch origin",
        "export GIT_CONFIG_GLOBAL=/tmp/mine.gitconfig; bash -c 'git fetch origin'",
        "GIT_CONFIG_GLOBAL=/tmp/mine.gitconfig bash -c 'git fetch origin'",
        "export GIT_CONFIG_GLOBAL=/tmp/mine.gitconfig; (cd sub && git fetch origin)",
        "f() { git fetch origin; }; export GIT_CONFIG_GLOBAL=/tmp/mine.gitconfig; f",
        (
            "export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=url./tmp/mine.git.insteadOf "
            "GIT_CONFIG_VALUE_0=https://github.com/acme/shop.git; git fetch origin"
        ),
    ],
)
def test_exported_configuration_file_reaches_a_later_fetch(command: str) -> None:
    assert rule(command) == "git.remote-rewire"


@pytest.mark.parametrize(
    "command",
    [
        "export TF_CLI_ARGS_apply=-destroy; terraform apply",
        "declare -x TF_CLI_ARGS=-destroy && terraform apply",
        "TF_CLI_ARGS_apply=-destroy bash -c 'terraform apply'",
    ],
)
def test_exported_terraform_arguments_reach_a_later_apply(command: str) -> None:
    assert decision(command) != "allow"


@pytest.mark.parametrize(
    "command",
    [
        "export GIT_CONFIG_GLOBAL=/tmp/x.gitconfig; git status",
        "GIT_CONFIG_GLOBAL=/tmp/x.gitconfig; git fetch origin",  # not exported: git never sees it
        "(export GIT_CONFIG_GLOBAL=/tmp/x.gitconfig); git fetch origin",
        "export GIT_CONFIG_GLOBAL=/tmp/x.gitconfig; unset GIT_CONFIG_GLOBAL; git fetch origin",
        "export GIT_CONFIG_GLOBAL=/tmp/x.gitconfig; export -n GIT_CONFIG_GLOBAL; git fetch",
        "set -a; set +a; GIT_CONFIG_GLOBAL=/tmp/x.gitconfig; git fetch origin",
        "export TF_CLI_ARGS_plan=-compact-warnings; terraform plan",
        "export PATH=$PWD/bin:$PATH && git fetch origin",
    ],
)
def test_exports_that_do_not_reach_a_fetch_pass(command: str) -> None:
    assert decision(command) == "allow"
