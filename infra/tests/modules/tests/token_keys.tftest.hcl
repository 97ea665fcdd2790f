# The token keys: two secrets Terraform creates without values, both under the environment key.

mock_provider "aws" {
  source = "../mocks"
}

variables {
  name        = "api-test"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
}

run "token_keys" {
  command = apply

  module {
    source = "../../modules/token-keys"
  }

  assert {
    condition     = aws_secretsmanager_secret.signing_key.name == "api-test/auth-signing-key" && aws_secretsmanager_secret.public_keys.name == "api-test/auth-public-keys"
    error_message = "The secrets are named after the environment and what they hold."
  }

  assert {
    condition     = aws_secretsmanager_secret.signing_key.kms_key_id == var.kms_key_arn && aws_secretsmanager_secret.public_keys.kms_key_id == var.kms_key_arn
    error_message = "Both secrets must be encrypted with the environment key."
  }

  assert {
    condition     = aws_secretsmanager_secret.signing_key.recovery_window_in_days == 30
    error_message = "A deleted signing key stays recoverable for 30 days by default."
  }
}
