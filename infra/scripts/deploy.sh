#!/usr/bin/env bash
# Usage: infra/scripts/deploy.sh [--service <name>] <environment> <image-tag>
#
# Rolls out the locally built image api:<image-tag>, or <name>:<image-tag> for a service
# scaffolded beside the API (LOCAL_IMAGE overrides the name):
#   1. pushes it to the environment's ECR repository as <image-tag> (skipped when the tag is
#      already there: tags are immutable, so the same tag is the same image);
#   2. registers new revisions of the roles, migration and app task definitions with that
#      image, copied from the latest revisions (so changes Terraform made are kept);
#   3. runs the roles task (the database roles, as the master user), then the migration task,
#      and stops, leaving the service untouched, unless each exits 0;
#   4. points the service at the new app revision and waits for a steady state.
# Terraform ignores the service's task definition, so its next apply does not undo a deploy.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

service_option "$@"
shift "$SERVICE_SHIFT"
[ $# -eq 2 ] || die "usage: $0 [--service <name>] <environment> <image-tag>"
environment=$1 tag=$2
MIGRATION_TIMEOUT=${MIGRATION_TIMEOUT:-1800}
require terraform aws jq

load_outputs "$(env_dir "$environment")"
select_service "$SERVICE"
cluster=$OUT_cluster_name service=$OUT_service_name
image="$OUT_ecr_repository_url:$tag"
repository=${OUT_ecr_repository_url#*/}

versions=$(aws secretsmanager describe-secret --secret-id "$OUT_signing_key_secret_arn" \
  --query 'length(keys(VersionIdsToStages || `{}`))' --output text)
[ "$versions" != 0 ] || die "the token key secret has no value yet: run infra/scripts/init-secrets.sh ${SERVICE:+--service $SERVICE }$environment"

if aws ecr describe-images --repository-name "$repository" --image-ids "imageTag=$tag" >/dev/null 2>&1; then
  say "$image is already in ECR; not pushing"
else
  cli=${CONTAINER_CLI:-$(command -v docker || command -v podman || true)}
  [ -n "$cli" ] || die "docker or podman is needed to push the image (or set CONTAINER_CLI)"
  local_image=${LOCAL_IMAGE:-${SERVICE:-api}:$tag}
  say "pushing $local_image as $image"
  aws ecr get-login-password | "$cli" login --username AWS --password-stdin "${OUT_ecr_repository_url%%/*}"
  "$cli" tag "$local_image" "$image"
  "$cli" push "$image"
fi

# register <family>: a new revision of the family's latest revision, running $image.
register() {
  aws ecs describe-task-definition --task-definition "$1" --include TAGS --output json |
    jq --arg image "$image" '
      (.tags // []) as $tags
      | .taskDefinition
      | .containerDefinitions |= map(.image = $image)
      | {family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes,
         placementConstraints, requiresCompatibilities, cpu, memory, runtimePlatform,
         ephemeralStorage}
      | with_entries(select(.value != null))
      | if ($tags | length) > 0 then . + {tags: $tags} else . end' >"$workdir/$1.json"
  aws ecs register-task-definition --cli-input-json "file://$workdir/$1.json" \
    --query taskDefinition.taskDefinitionArn --output text
}

# run_to_end <task definition> <container> <what>: run a one-off task, wait for it to stop,
# and stop the deploy unless <container> exited 0.
run_to_end() {
  local definition=$1 container=$2 what=$3 task status exit_code reason deadline
  say "running the $what task"
  task=$(aws ecs run-task --cluster "$cluster" --task-definition "$definition" --launch-type FARGATE \
    --network-configuration "$OUT_network_configuration" --started-by "deploy-$tag" \
    --query 'tasks[0].taskArn' --output text)
  [ -n "$task" ] && [ "$task" != None ] || die "the $what task did not start"

  deadline=$((SECONDS + MIGRATION_TIMEOUT))
  status=""
  while [ "$status" != STOPPED ]; do
    [ $SECONDS -lt $deadline ] || die "the $what task $task did not stop within ${MIGRATION_TIMEOUT}s"
    sleep "${POLL_SECONDS:-6}"
    status=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" --query 'tasks[0].lastStatus' --output text)
  done
  exit_code=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" \
    --query "tasks[0].containers[?name=='$container'].exitCode | [0]" --output text)
  if [ "$exit_code" != 0 ]; then
    reason=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" --query 'tasks[0].stoppedReason' --output text)
    aws logs get-log-events --log-group-name "$OUT_log_group_name" \
      --log-stream-name "$container/$container/${task##*/}" --limit 50 --query 'events[].message' --output text >&2 || true
    die "the $what failed (exit code $exit_code: $reason); the service still runs its previous revision"
  fi
}

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
roles=$(register "$OUT_roles_task_family")
migration=$(register "$OUT_migration_task_family")
app=$(register "$OUT_app_task_family")
say "registered $roles, $migration and $app"

# The database roles the migration and the app log in as, created by the master user.
run_to_end "$roles" roles roles
say "database roles ready"
run_to_end "$migration" migrate migration
say "migrations applied"

say "updating $service to $app"
aws ecs update-service --cluster "$cluster" --service "$service" --task-definition "$app" \
  --query service.taskDefinition --output text >/dev/null
wait_stable "$cluster" "$service" "$app"
say "deployed $image to $environment: $OUT_service_url"
