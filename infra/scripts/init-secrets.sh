#!/usr/bin/env bash
# Usage: infra/scripts/init-secrets.sh [--service <name>] <environment> [--rotate | --promote | --retire]
#
# Fills the secrets Terraform creates without values: the access-token keys, AUTH_SIGNING_KEY
# (an Ed25519 private key, PKCS#8 PEM, that only the API's tasks get) and AUTH_PUBLIC_KEYS (the
# JWKS of public keys every service, the API too, verifies tokens with); and the rate-limit
# store's AUTH token, set on the store and given to every service in RATE_LIMIT_STORAGE_URI.
#   (none)     the first key pair and the store's token, once; a rerun changes nothing.
#   --rotate   rotation step 1: a new key pair. Its public key joins the JWKS; its private key
#              waits as the secret's AWSPENDING version, so the API still signs with the old one.
#   --promote  step 2: the pending key becomes the signing key (AWSCURRENT).
#   --retire   step 3: the JWKS keeps only the signing key's public key (and a pending one's).
# Tasks read both secrets when they start: deploy every service after each step (infra/README.md,
# "Rotating the token keys"). The keys are the environment's, so --service <name> does the
# same as without it.
# The private key and the token travel through pipes and shell variables only: never an
# argument of a command, a file or a line of output.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

service_option "$@"
shift "$SERVICE_SHIFT"
usage="usage: $0 [--service <name>] <environment> [--rotate | --promote | --retire]"
[ $# -ge 1 ] && [ $# -le 2 ] || die "$usage"
environment=$1 action=${2:-}
case $action in
  "" | --rotate | --promote | --retire) ;;
  *) die "unknown option $action; $usage" ;;
esac
require terraform aws jq openssl

load_outputs "$(env_dir "$environment")"
[ -n "${OUT_public_keys_secret_arn:-}" ] ||
  die "the $environment outputs have no public_keys_secret_arn: terraform apply the current infra/ first"
[ -n "${OUT_rate_limit_store:-}" ] ||
  die "the $environment outputs have no rate_limit_store: terraform apply the current infra/ first"
signing=$OUT_signing_key_secret_arn public=$OUT_public_keys_secret_arn
store_group=$(jq -r .replication_group_id <<<"$OUT_rate_limit_store")
store_host=$(jq -r .primary_endpoint <<<"$OUT_rate_limit_store")
store_port=$(jq -r .port <<<"$OUT_rate_limit_store")
store_uri=$(jq -r .uri_secret_arn <<<"$OUT_rate_limit_store")


b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# jwk: the public JWK of the PEM private key on stdin; kid is its RFC 7638 thumbprint.
jwk() {
  local x kid
  x=$(openssl pkey -pubout -outform DER | tail -c 32 | b64url)
  [ ${#x} -eq 43 ] || die "openssl did not give an Ed25519 public key"
  kid=$(printf '{"crv":"Ed25519","kty":"OKP","x":"%s"}' "$x" | openssl dgst -sha256 -binary | b64url)
  jq -cn --arg x "$x" --arg kid "$kid" '{kty: "OKP", crv: "Ed25519", x: $x, kid: $kid, alg: "EdDSA", use: "sig"}'
}

# version <secret> <stage>: the id of the secret's version with that label, or nothing.
version() {
  local stages
  stages=$(aws secretsmanager describe-secret --secret-id "$1" --query VersionIdsToStages --output json) ||
    die "cannot read the secret $1 (the error is above)"
  jq -r --arg stage "$2" '(. // {}) | to_entries[] | select(.value | index($stage)) | .key' <<<"$stages"
}

# value <secret> [stage]: the secret's value (AWSCURRENT unless a stage is given), on stdout.
value() {
  aws secretsmanager get-secret-value --secret-id "$1" --version-stage "${2:-AWSCURRENT}" \
    --query SecretString --output text
}

# put <secret> [stage]: stores stdin as a new version of the secret (AWSCURRENT unless a stage is given).
put() {
  aws secretsmanager put-secret-value --secret-id "$1" --secret-string file:///dev/stdin \
    --version-stages "${2:-AWSCURRENT}" --query VersionId --output text >/dev/null
}

# jwks: the current JWKS, or an empty one before the first key.
jwks() {
  if [ -n "$public_current" ]; then value "$public"; else echo '{"keys": []}'; fi
}

kid_of() { value "$signing" "$1" | jwk | jq -r .kid; }

# store_token: once, an AUTH token on the rate-limit store and the URI that carries it.
store_token() {
  if [ -n "$store_current" ]; then
    say "the rate-limit store of $environment already has its token"
    return
  fi
  local token
  # Letters and digits only: within what AUTH allows and safe inside a URI.
  token=$(aws secretsmanager get-random-password --password-length 64 --exclude-punctuation \
    --query RandomPassword --output text)
  printf '%s' "$token" |
    aws elasticache modify-replication-group --replication-group-id "$store_group" \
      --auth-token file:///dev/stdin --auth-token-update-strategy ROTATE --apply-immediately >/dev/null
  printf 'rediss://:%s@%s:%s/0' "$token" "$store_host" "$store_port" | put "$store_uri"
  say "the rate-limit store of $environment requires its token; RATE_LIMIT_STORAGE_URI is set"
}

create() {
  store_token
  if [ -n "$signing_current" ]; then
    if [ -z "$public_current" ]; then
      value "$signing" | jwk | jq -cj '{keys: [.]}' | put "$public"
      say "the public keys of $environment were missing; they now hold the signing key's"
    fi
    say "the token keys of $environment are already set (--rotate replaces them)"
    return
  fi
  local key public_key
  key=$(openssl genpkey -algorithm ed25519)
  public_key=$(printf '%s\n' "$key" | jwk)
  # Public key first: a signing key whose public key no service knows would sign refused tokens.
  jq -cj '{keys: [.]}' <<<"$public_key" | put "$public"
  printf '%s\n' "$key" | put "$signing"
  say "the token keys of $environment are set (kid $(jq -r .kid <<<"$public_key"))"
}

rotate() {
  [ -n "$signing_current" ] || die "$environment has no signing key yet: run $0 $environment first"
  [ -z "$signing_pending" ] || die "a rotation of $environment is under way: deploy, then run $0 $environment --promote"
  local key public_key
  key=$(openssl genpkey -algorithm ed25519)
  public_key=$(printf '%s\n' "$key" | jwk)
  jwks | jq -cj --argjson new "$public_key" '.keys += [$new]' | put "$public"
  printf '%s\n' "$key" | put "$signing" AWSPENDING
  say "new key $(jq -r .kid <<<"$public_key") is in the public keys of $environment and waits to sign: deploy every service, then run $0 $environment --promote"
}

promote() {
  local kid
  [ -n "$signing_pending" ] || die "$environment has no pending key: start a rotation with $0 $environment --rotate"
  kid=$(kid_of AWSPENDING)
  jwks | jq -e --arg kid "$kid" 'any(.keys[]; .kid == $kid)' >/dev/null ||
    die "the pending key $kid is not in the public keys of $environment: run $0 $environment --rotate again"
  aws secretsmanager update-secret-version-stage --secret-id "$signing" --version-stage AWSCURRENT \
    --move-to-version-id "$signing_pending" --remove-from-version-id "$signing_current" >/dev/null
  aws secretsmanager update-secret-version-stage --secret-id "$signing" --version-stage AWSPENDING \
    --remove-from-version-id "$signing_pending" >/dev/null
  say "$kid signs from the API's next deploy on: deploy the API; once no token of the old key is still valid, run $0 $environment --retire"
}

retire() {
  local keep before after
  [ -n "$signing_current" ] || die "$environment has no signing key yet: run $0 $environment first"
  keep=$(kid_of AWSCURRENT)
  if [ -n "$signing_pending" ]; then keep="$keep $(kid_of AWSPENDING)"; fi
  before=$(jwks)
  after=$(jq -cj --arg keep "$keep" '.keys |= map(select(.kid as $kid | $keep | split(" ") | index($kid)))' <<<"$before")
  if [ "$(jq '.keys | length' <<<"$after")" = "$(jq '.keys | length' <<<"$before")" ]; then
    say "the public keys of $environment hold no retired key"
    return
  fi
  printf '%s' "$after" | put "$public"
  say "the public keys of $environment now hold $keep: deploy every service"
}

signing_current=$(version "$signing" AWSCURRENT)
signing_pending=$(version "$signing" AWSPENDING)
public_current=$(version "$public" AWSCURRENT)
store_current=$(version "$store_uri" AWSCURRENT)

case $action in
  "") create ;;
  --rotate) rotate ;;
  --promote) promote ;;
  --retire) retire ;;
esac
