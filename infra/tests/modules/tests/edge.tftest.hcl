# What stands before and beside the tasks: the web ACL on the load balancer and the shared
# rate-limit store.

mock_provider "aws" {
  source = "../mocks"
}

run "web_acl" {
  command = apply

  module {
    source = "../../modules/waf"
  }

  variables {
    name        = "api-test"
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
  }

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "REGIONAL" && length(aws_wafv2_web_acl.this.default_action[0].allow) == 1
    error_message = "The web ACL is regional (a load balancer's) and lets through what no rule blocks."
  }

  assert {
    condition = toset([
      for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].managed_rule_group_statement[0].name
      if length(rule.statement[0].managed_rule_group_statement) > 0
    ]) == toset(["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"])
    error_message = "AWS's common, known-bad-inputs and IP-reputation rule groups apply."
  }

  assert {
    condition = alltrue([
      for rule in aws_wafv2_web_acl.this.rule : rule.statement[0].managed_rule_group_statement[0].vendor_name == "AWS" && length(rule.override_action[0].none) == 1
      if length(rule.statement[0].managed_rule_group_statement) > 0
    ])
    error_message = "The managed groups' own actions (block) apply, not a count override."
  }

  assert {
    condition = one([
      for rule in aws_wafv2_web_acl.this.rule : (
        length(rule.action[0].block) == 1
        && rule.statement[0].rate_based_statement[0].aggregate_key_type == "IP"
        && rule.statement[0].rate_based_statement[0].limit == 100
        && rule.statement[0].rate_based_statement[0].evaluation_window_sec == 300
        && rule.statement[0].rate_based_statement[0].scope_down_statement[0].byte_match_statement[0].search_string == "/api/v1/auth/token"
        && length(rule.statement[0].rate_based_statement[0].scope_down_statement[0].byte_match_statement[0].field_to_match[0].uri_path) == 1
      ) if length(rule.statement[0].rate_based_statement) > 0
    ])
    error_message = "One rule blocks an address sending more than 100 requests to /api/v1/auth/token in 5 minutes."
  }

  assert {
    condition     = startswith(aws_cloudwatch_log_group.this.name, "aws-waf-logs-") && aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_wafv2_web_acl_logging_configuration.this.log_destination_configs == toset([aws_cloudwatch_log_group.this.arn])
    error_message = "WAF logs go to an encrypted log group named as WAF requires."
  }
}

run "rate_limit_floor" {
  command = plan

  module {
    source = "../../modules/waf"
  }

  variables {
    name                      = "api-test"
    kms_key_arn               = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
    token_requests_per_window = 5
  }

  expect_failures = [var.token_requests_per_window]
}

run "rate_limit_store" {
  command = apply

  module {
    source = "../../modules/rate-limit-store"
  }

  variables {
    name        = "api-test"
    vpc_id      = "vpc-0123456789abcdef0"
    subnet_ids  = ["subnet-0a", "subnet-0b"]
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
    nodes       = 2
  }

  assert {
    condition = (
      aws_elasticache_replication_group.this.transit_encryption_enabled
      && aws_elasticache_replication_group.this.transit_encryption_mode == "required"
      && aws_elasticache_replication_group.this.at_rest_encryption_enabled
      && aws_elasticache_replication_group.this.kms_key_id == var.kms_key_arn
    )
    error_message = "The store requires TLS and encrypts what it writes with the environment key."
  }

  assert {
    condition     = aws_elasticache_replication_group.this.engine == "valkey" && aws_elasticache_replication_group.this.num_cache_clusters == 2 && aws_elasticache_replication_group.this.automatic_failover_enabled && aws_elasticache_replication_group.this.multi_az_enabled
    error_message = "With two nodes the store keeps a replica in another AZ and fails over to it."
  }

  assert {
    condition     = toset(aws_elasticache_subnet_group.this.subnet_ids) == toset(var.subnet_ids) && aws_elasticache_replication_group.this.security_group_ids == toset([aws_security_group.this.id])
    error_message = "The store runs in the private subnets behind its own security group."
  }

  assert {
    condition     = aws_elasticache_replication_group.this.auth_token == null && aws_secretsmanager_secret.uri.kms_key_id == var.kms_key_arn
    error_message = "Terraform never holds the AUTH token; the URI carrying it is an encrypted secret that init-secrets.sh fills."
  }
}
