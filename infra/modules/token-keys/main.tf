# The environment's token keys. Neither value is ever in Terraform state: scripts/init-secrets.sh
# writes both. The signing key reaches the API's tasks only; the public keys reach every service.
resource "aws_secretsmanager_secret" "signing_key" {
  name                    = "${var.name}/auth-signing-key"
  description             = "AUTH_SIGNING_KEY of ${var.name}: the Ed25519 private key (PKCS#8 PEM) the API signs access tokens with"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days

  tags = var.tags
}

# Not confidential, but kept beside the signing key so ECS injects both the same way and one
# script keeps them consistent.
resource "aws_secretsmanager_secret" "public_keys" {
  name                    = "${var.name}/auth-public-keys"
  description             = "AUTH_PUBLIC_KEYS of ${var.name}: the JWKS every service verifies access tokens with"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days

  tags = var.tags
}
