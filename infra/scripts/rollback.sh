#!/usr/bin/env bash
# Usage: infra/scripts/rollback.sh [--service <name>] <environment> [task-definition-revision]
#
# Points the API's service (or with --service, that service) back at an earlier revision of
# its app task definition (by default the one before the revision it runs now) and waits for a
# steady state. The database is not rolled back: migrations must stay compatible with the
# previous release (expand, then contract).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

service_option "$@"
shift "$SERVICE_SHIFT"
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 [--service <name>] <environment> [task-definition-revision]"
environment=$1 revision=${2:-}
[ -z "$revision" ] || [[ $revision =~ ^[0-9]+$ ]] || die "the revision is a number, got '$revision'"
require terraform aws jq

load_outputs "$(env_dir "$environment")"
select_service "$SERVICE"
cluster=$OUT_cluster_name service=$OUT_service_name family=$OUT_app_task_family

current=$(aws ecs describe-services --cluster "$cluster" --services "$service" \
  --query 'services[0].taskDefinition' --output text)
current_revision=${current##*:}

if [ -z "$revision" ]; then
  revision=$(aws ecs list-task-definitions --family-prefix "$family" --status ACTIVE --output json |
    jq -r --argjson current "$current_revision" --arg family "$family" '
      [.taskDefinitionArns[]
       | select(split("/")[-1] | split(":")[0] == $family)
       | split(":")[-1] | tonumber | select(. < $current)] | max // empty')
  [ -n "$revision" ] || die "$service runs $family:$current_revision and no earlier revision exists"
fi
[ "$revision" != "$current_revision" ] || die "$service already runs $family:$revision"

target=$(aws ecs describe-task-definition --task-definition "$family:$revision" \
  --query taskDefinition.taskDefinitionArn --output text) || die "$family:$revision does not exist"
say "rolling $service back from revision $current_revision to $revision"
aws ecs update-service --cluster "$cluster" --service "$service" --task-definition "$target" \
  --query service.taskDefinition --output text >/dev/null
wait_stable "$cluster" "$service" "$target"
say "$service runs $target"
