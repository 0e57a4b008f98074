#!/usr/bin/env bash
# Regenerate this corpus's Terraform plans with the real `terraform` binary, offline (only the
# built-in terraform_data resource: no provider is downloaded). Destructive plans go to
# plans/dangerous, harmless ones to plans/safe.
# Usage: bash benchmarks/hazards_corpus/make_plans.sh
set -euo pipefail

out="$(cd "$(dirname "$0")" && pwd)/plans"
mkdir -p "$out/dangerous" "$out/safe"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_INPUT=0
export TF_CLI_CONFIG_FILE="$work/terraformrc"
: >"$TF_CLI_CONFIG_FILE"
tf() { terraform -chdir="$dir" "$@" >/dev/null; }
start() {
  dir="$work/$1"
  mkdir -p "$dir/modules/store"
  echo 'resource "terraform_data" "inner" { input = "x" }' >"$dir/modules/store/main.tf"
  cat >"$dir/main.tf"
  tf init -backend=false -input=false
  tf apply -auto-approve -input=false
}
plan() {
  local name="$1"
  shift
  tf plan -input=false -out=plan.out "$@"
  terraform -chdir="$dir" show -json plan.out >"$out/$name.json"
}

base='
resource "terraform_data" "db" {
  input            = "v1"
  triggers_replace = ["v1"]
}
resource "terraform_data" "replica" {
  count = 3
  input = "r${count.index}"
}
resource "terraform_data" "queue" {
  for_each = toset(["orders", "emails"])
  input    = each.key
}
module "store" {
  source = "./modules/store"
}
output "db" { value = terraform_data.db.output }
'

start s1 <<<"$base"
sed 's/triggers_replace = \["v1"\]/triggers_replace = ["v2"]/' <<<"$base" >"$dir/main.tf"
plan dangerous/trigger_replace
printf '%s' "$base" >"$dir/main.tf"
plan dangerous/replace_by_request -replace=terraform_data.replica[1]
sed 's/count = 3/count = 1/' <<<"$base" >"$dir/main.tf"
plan dangerous/count_reduced
sed 's/\["orders", "emails"\]/["orders"]/' <<<"$base" >"$dir/main.tf"
plan dangerous/for_each_key_removed
sed '/^module "store"/,/^}/d' <<<"$base" >"$dir/main.tf"
plan dangerous/module_removed
printf '%s' "$base" >"$dir/main.tf"
plan dangerous/destroy_all -destroy
sed '/^resource "terraform_data" "db"/,/^}/d; /^output/d' <<<"$base" >"$dir/main.tf"
plan dangerous/resource_removed
{ sed '/^resource "terraform_data" "db"/,/^}/d; /^output/d' <<<"$base"
  printf 'removed {\n  from = terraform_data.db\n  lifecycle { destroy = false }\n}\n'; } >"$dir/main.tf"
plan dangerous/removed_block_forget

printf '%s' "$base" >"$dir/main.tf"
plan safe/no_changes
plan safe/refresh_only -refresh-only
sed 's/\["orders", "emails"\]/["orders", "emails", "invoices"]/' <<<"$base" >"$dir/main.tf"
plan safe/for_each_key_added
sed 's/count = 3/count = 5/' <<<"$base" >"$dir/main.tf"
plan safe/count_increased
sed 's/input            = "v1"/input            = "v1-updated"/' <<<"$base" >"$dir/main.tf"
plan safe/in_place_update
{ printf '%s' "$base"; printf 'output "extra" { value = "x" }\n'; } >"$dir/main.tf"
plan safe/output_added
{ sed 's/"terraform_data" "db"/"terraform_data" "database"/; s/terraform_data[.]db[.]output/terraform_data.database.output/' <<<"$base"
  printf 'moved {\n  from = terraform_data.db\n  to   = terraform_data.database\n}\n'; } >"$dir/main.tf"
plan safe/moved_block_rename
