# The load balancer module: HTTPS with a redirect when a certificate is given, HTTP-only without.

mock_provider "aws" {
  source = "../mocks"
}

variables {
  name        = "api-test"
  vpc_id      = "vpc-0123456789abcdef0"
  subnet_ids  = ["subnet-0a", "subnet-0b"]
  web_acl_arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/api-test/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
}

run "https_with_certificate" {
  command = apply

  module {
    source = "../../modules/alb"
  }

  variables {
    certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition = (
      aws_lb_listener.https[0].port == 443
      && aws_lb_listener.https[0].protocol == "HTTPS"
      && aws_lb_listener.https[0].certificate_arn == var.certificate_arn
      && startswith(aws_lb_listener.https[0].ssl_policy, "ELBSecurityPolicy-TLS13")
    )
    error_message = "With a certificate, port 443 must serve HTTPS with it under a TLS 1.3 policy."
  }

  assert {
    condition     = aws_lb_listener.https[0].default_action[0].type == "fixed-response" && aws_lb_listener.https[0].default_action[0].fixed_response[0].status_code == "404"
    error_message = "HTTPS answers 404 to a path no service's rule claims (the services add the rules)."
  }

  assert {
    condition     = aws_wafv2_web_acl_association.this.resource_arn == aws_lb.this.arn && aws_wafv2_web_acl_association.this.web_acl_arn == var.web_acl_arn
    error_message = "The web ACL guards the load balancer."
  }

  assert {
    condition     = output.listener_arn == aws_lb_listener.https[0].arn
    error_message = "With a certificate the HTTPS listener is the one services add their rules to."
  }

  assert {
    condition = (
      aws_lb_listener.http.default_action[0].type == "redirect"
      && aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS"
      && aws_lb_listener.http.default_action[0].redirect[0].port == "443"
      && aws_lb_listener.http.default_action[0].redirect[0].status_code == "HTTP_301"
    )
    error_message = "With a certificate, port 80 must only redirect to HTTPS."
  }

  assert {
    condition     = output.url == "https://${aws_lb.this.dns_name}"
    error_message = "The service URL must be https:// when a certificate is given."
  }

  assert {
    condition     = toset([for rule in aws_vpc_security_group_ingress_rule.listener : rule.from_port]) == toset([80, 443])
    error_message = "The load balancer must accept 80 (redirect) and 443."
  }
}

run "http_only_without_certificate" {
  command = apply

  module {
    source = "../../modules/alb"
  }

  assert {
    condition     = length(aws_lb_listener.https) == 0
    error_message = "Without a certificate nothing listens on 443."
  }

  assert {
    condition     = aws_lb_listener.http.default_action[0].type == "fixed-response" && output.listener_arn == aws_lb_listener.http.arn
    error_message = "In HTTP-only mode port 80 is the serving listener, where services add their rules."
  }

  assert {
    condition     = toset([for rule in aws_vpc_security_group_ingress_rule.listener : rule.from_port]) == toset([80])
    error_message = "In HTTP-only mode only port 80 is open."
  }

  assert {
    condition     = startswith(output.url, "http://")
    error_message = "The service URL must be http:// in HTTP-only mode."
  }
}

run "load_balancer_is_public_and_strict" {
  command = plan

  module {
    source = "../../modules/alb"
  }


  assert {
    condition     = aws_lb.this.internal == false && aws_lb.this.drop_invalid_header_fields == true
    error_message = "The load balancer is internet-facing and drops invalid headers."
  }

  assert {
    condition     = length(aws_security_group.this.egress) == 0
    error_message = "The load balancer security group has no inline egress: the service module opens only port 8000 to the tasks."
  }
}

run "access_logs_to_an_encrypted_expiring_bucket" {
  command = apply

  module {
    source = "../../modules/alb"
  }

  variables {
    access_logs_retention_days = 30
  }

  assert {
    condition = (
      aws_lb.this.access_logs[0].enabled
      && aws_lb.this.access_logs[0].bucket == aws_s3_bucket.access_logs[0].id
      && aws_lb.this.access_logs[0].prefix == "api-test"
      && aws_s3_bucket.access_logs[0].bucket == "api-test-alb-logs-123456789012"
    )
    error_message = "The load balancer writes access logs to its own bucket, under its name."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.access_logs[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "Access logs are encrypted at rest (S3-managed keys, the only kind access logs support)."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.access_logs[0].block_public_acls
      && aws_s3_bucket_public_access_block.access_logs[0].block_public_policy
      && aws_s3_bucket_public_access_block.access_logs[0].ignore_public_acls
      && aws_s3_bucket_public_access_block.access_logs[0].restrict_public_buckets
    )
    error_message = "The log bucket is never public."
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.access_logs[0].rule[0].status == "Enabled" && aws_s3_bucket_lifecycle_configuration.access_logs[0].rule[0].expiration[0].days == 30
    error_message = "Access logs expire after the retention period."
  }

  assert {
    condition     = output.access_logs_bucket == aws_s3_bucket.access_logs[0].id
    error_message = "The bucket is an output."
  }
}

run "access_logs_off" {
  command = plan

  module {
    source = "../../modules/alb"
  }

  variables {
    access_logs_retention_days = 0
  }

  assert {
    condition     = length(aws_lb.this.access_logs) == 0 && length(aws_s3_bucket.access_logs) == 0
    error_message = "With a retention of 0 there are no access logs and no bucket."
  }
}
