# The production root with its terraform.tfvars, on a mocked provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

# Distinct ARNs for the two token secrets, so a task given the wrong one shows.
override_resource {
  target = module.token_keys.aws_secretsmanager_secret.signing_key
  values = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-signing-key-AbCdEf" }
}

override_resource {
  target = module.token_keys.aws_secretsmanager_secret.public_keys
  values = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:auth-public-keys-AbCdEf" }
}

variables {
  certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
}

run "production_is_highly_available_and_protected" {
  command = apply

  assert {
    condition     = toset(keys(output.alarm_names)) == toset(["cpu", "db_connections", "db_cpu", "db_free_storage", "error_rate", "healthy_hosts", "load_balancer_5xx_rate", "p99_latency", "running_tasks"]) && startswith(output.alarm_topic_arn, "arn:aws:sns:")
    error_message = "The environment watches the load balancer, the API's responses, tasks and database, and notifies its own topic."
  }

  assert {
    condition = (
      keys(output.task_secrets) == ["AUTH_PUBLIC_KEYS", "AUTH_SIGNING_KEY", "RATE_LIMIT_STORAGE_URI"]
      && output.task_secrets.RATE_LIMIT_STORAGE_URI == output.rate_limit_store.uri_secret_arn
      && output.task_secrets.AUTH_SIGNING_KEY == output.signing_key_secret_arn
      && output.task_secrets.AUTH_PUBLIC_KEYS == output.public_keys_secret_arn
      && output.signing_key_secret_arn != output.public_keys_secret_arn
    )
    error_message = "The API's tasks get the signing key, the public keys and the rate-limit store, each from its own secret, and no database password (IAM tokens)."
  }

  assert {
    condition     = output.rate_limit_store.transit_encryption_mode == "required" && toset(keys(output.waf.rules)) == toset(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList", "token-endpoint-rate"])
    error_message = "The environment has a TLS-only rate-limit store and a web ACL with the managed groups and the token endpoint's rate limit."
  }

  assert {
    condition     = output.database.multi_az == true
    error_message = "The production database must be Multi-AZ."
  }

  assert {
    condition     = output.database.deletion_protection == true && output.database.final_snapshot == "api-production-final"
    error_message = "The production database must be protected from deletion."
  }

  assert {
    condition     = output.database.publicly_accessible == false && output.database.storage_encrypted == true
    error_message = "The production database must be private and encrypted."
  }

  assert {
    condition     = output.nat_gateway_count == 0
    error_message = "Tasks reach AWS through VPC endpoints: no NAT gateway, so none to lose with an availability zone."
  }

  assert {
    condition     = startswith(output.service_url, "https://")
    error_message = "Production serves HTTPS."
  }
}

run "production_requires_a_certificate" {
  command = plan

  variables {
    certificate_arn = "none"
  }

  expect_failures = [var.certificate_arn]
}

run "teardown_lifts_protection_and_stamps_the_final_snapshot" {
  command = apply

  variables {
    teardown = true
  }

  assert {
    condition     = output.database.deletion_protection == false && can(regex("^api-production-final-[0-9]{8}-[0-9]{6}$", output.database.final_snapshot))
    error_message = "A teardown apply lifts deletion protection and names the final snapshot with the time, so destroy keeps the data under a unique name."
  }
}
