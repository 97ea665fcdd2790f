# The staging root with its terraform.tfvars, on a mocked provider.

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

run "staging_is_cheap_but_private" {
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
    condition     = output.nat_gateway_count == 0
    error_message = "Tasks reach AWS through VPC endpoints: no NAT gateway."
  }

  assert {
    condition     = output.database.multi_az == false && output.database.deletion_protection == true && output.database.final_snapshot == "api-staging-final"
    error_message = "Staging runs a single-AZ database, protected like production until a teardown apply lifts it."
  }

  assert {
    condition     = output.database.publicly_accessible == false && output.database.storage_encrypted == true
    error_message = "Even staging keeps the database private and encrypted."
  }

  assert {
    condition     = startswith(output.service_url, "http://")
    error_message = "Without certificate_arn staging runs in HTTP-only mode."
  }

  assert {
    condition     = output.deploy_role_arn == null
    error_message = "No deploy role without github_repository."
  }

  assert {
    condition     = output.cluster_name == "api-staging" && output.service_name == "api-staging" && output.migration_task_family == "api-staging-migrate" && output.roles_task_family == "api-staging-roles"
    error_message = "Names follow <project>-<environment>."
  }

  assert {
    condition     = jsondecode(output.network_configuration).awsvpcConfiguration.assignPublicIp == "DISABLED"
    error_message = "The migration task runs like the service, without a public IP."
  }
}

run "github_deploys_and_https" {
  command = apply

  variables {
    github_repository = "acme/api"
    certificate_arn   = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = output.deploy_role_arn != null
    error_message = "Setting github_repository creates the deploy role."
  }

  assert {
    condition     = startswith(output.service_url, "https://")
    error_message = "With a certificate the service URL is HTTPS."
  }
}

run "teardown_lifts_protection_and_stamps_the_final_snapshot" {
  command = apply

  variables {
    teardown = true
  }

  assert {
    condition     = output.database.deletion_protection == false && can(regex("^api-staging-final-[0-9]{8}-[0-9]{6}$", output.database.final_snapshot))
    error_message = "A teardown apply lifts deletion protection and names the final snapshot with the time, so destroy keeps the data under a unique name."
  }
}
