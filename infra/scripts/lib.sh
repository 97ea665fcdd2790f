# Used by init-secrets.sh: argument checks and reading an environment's Terraform outputs.
# shellcheck shell=bash

die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }
say() { printf '==> %s\n' "$*" >&2; }

require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (see infra/README.md, Prerequisites)"
  done
}

# env_dir <environment>: the Terraform root of the environment, initialised against its state.
env_dir() {
  local environment=$1 dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/envs/$environment"
  [ -f "$dir/main.tf" ] || die "unknown environment '$environment' (no $dir/main.tf)"
  if [ ! -d "$dir/.terraform" ]; then
    [ -n "${TF_STATE_BUCKET:-}" ] || die "$dir is not initialised: run terraform init there (infra/README.md) or set TF_STATE_BUCKET"
    say "terraform init ($environment, state in s3://$TF_STATE_BUCKET)"
    terraform -chdir="$dir" init -input=false -lockfile=readonly \
      -backend-config="bucket=$TF_STATE_BUCKET" \
      -backend-config="region=${TF_STATE_REGION:-${AWS_REGION:-${AWS_DEFAULT_REGION:-}}}" >&2
  fi
  printf '%s\n' "$dir"
}

# load_outputs <dir>: sets OUT_<name> for every output of the environment.
load_outputs() {
  local dir=$1 json name
  json=$(terraform -chdir="$dir" output -json) || die "cannot read the Terraform outputs of $dir"
  for name in $(jq -r 'keys[]' <<<"$json"); do
    printf -v "OUT_$name" '%s' "$(jq -r --arg n "$name" '.[$n].value | if type == "string" then . else tojson end' <<<"$json")"
  done
  [ -n "${OUT_cluster_name:-}" ] || die "$dir has no outputs yet: run terraform apply there first"
  export AWS_REGION=$OUT_region AWS_DEFAULT_REGION=$OUT_region
}

# service_option <arguments>: SERVICE is the name after a leading --service (empty for the
# environment's first service); SERVICE_SHIFT is how many arguments that took.
service_option() {
  SERVICE="" SERVICE_SHIFT=0
  if [ "${1:-}" = --service ]; then
    [ $# -ge 2 ] || die "--service needs a name"
    [[ $2 =~ ^[a-z][a-z0-9_]*$ ]] || die "'$2' is not a service name (the directory under services/)"
    SERVICE=$2 SERVICE_SHIFT=2
  fi
}
