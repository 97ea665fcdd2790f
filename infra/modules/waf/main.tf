# The load balancer's web ACL (modules/alb attaches it): AWS's managed rule groups for common exploits, known bad inputs
# and IP reputation, and a per-address rate limit on the token endpoint against password
# guessing, before any request reaches a task.
locals {
  managed_rule_groups = {
    common           = { priority = 10, name = "AWSManagedRulesCommonRuleSet" }
    known_bad_inputs = { priority = 20, name = "AWSManagedRulesKnownBadInputsRuleSet" }
    ip_reputation    = { priority = 30, name = "AWSManagedRulesAmazonIpReputationList" }
  }
}

resource "aws_wafv2_web_acl" "this" {
  name        = var.name
  description = "In front of the load balancer of ${var.name}"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  dynamic "rule" {
    for_each = local.managed_rule_groups

    content {
      name     = rule.value.name
      priority = rule.value.priority

      override_action {
        none {}
      }

      statement {
        managed_rule_group_statement {
          name        = rule.value.name
          vendor_name = "AWS"
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${var.name}-${rule.key}"
        sampled_requests_enabled   = true
      }
    }
  }

  rule {
    name     = "token-endpoint-rate"
    priority = 40

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit                 = var.token_requests_per_window
        evaluation_window_sec = var.token_window_seconds
        aggregate_key_type    = "IP"

        scope_down_statement {
          byte_match_statement {
            search_string         = var.token_path
            positional_constraint = "STARTS_WITH"

            field_to_match {
              uri_path {}
            }

            text_transformation {
              priority = 0
              type     = "LOWERCASE"
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-token-endpoint-rate"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = var.name
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

# WAF only writes to log groups whose names start with aws-waf-logs-.
resource "aws_cloudwatch_log_group" "this" {
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.this.arn]

  # Bearer tokens and sign-in bodies never reach the logs.
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }
}
