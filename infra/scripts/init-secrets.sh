#!/usr/bin/env bash
# Usage: infra/scripts/init-secrets.sh [--service <name>] <environment> [--rotate]
#
# Gives the API's signing key (SECRET_KEY), or with --service that service's, a random
# 64-character value in Secrets Manager, once: Terraform creates the secret but never its value,
# so the value is in no state file or log.
# With --rotate it replaces an existing value; tasks pick it up on their next start (deploy again).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

service_option "$@"
shift "$SERVICE_SHIFT"
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 [--service <name>] <environment> [--rotate]"
environment=$1 rotate=${2:-}
[ -z "$rotate" ] || [ "$rotate" = --rotate ] || die "unknown option $rotate"
require terraform aws jq

load_outputs "$(env_dir "$environment")"
select_service "$SERVICE"
secret=$OUT_signing_key_secret_arn
what="the signing key of ${SERVICE:-the API} in $environment"

current=$(aws secretsmanager describe-secret --secret-id "$secret" \
  --query 'length(keys(VersionIdsToStages || `{}`))' --output text)
if [ "$current" != 0 ] && [ -z "$rotate" ]; then
  say "$what is already set (use --rotate to replace it)"
  exit 0
fi

# The value goes from one AWS call to the other through a pipe: never an argument or a file.
aws secretsmanager get-random-password --password-length 64 --exclude-punctuation \
  --require-each-included-type --query RandomPassword --output text |
  tr -d '\n' |
  aws secretsmanager put-secret-value --secret-id "$secret" --secret-string file:///dev/stdin \
    --query VersionId --output text >/dev/null
say "$what is set"
