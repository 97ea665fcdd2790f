# A path rule on the shared listener and the target group it forwards to.

mock_provider "aws" {
  source = "../mocks"
}

variables {
  name          = "api-test-orders"
  vpc_id        = "vpc-0123456789abcdef0"
  listener_arn  = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/api/0123456789abcdef/443"
  priority      = 4242
  path_patterns = ["/api/v1/orders", "/api/v1/orders/*"]
}

run "route" {
  command = apply

  module {
    source = "../../modules/alb-route"
  }

  assert {
    condition = (
      aws_lb_listener_rule.this.listener_arn == var.listener_arn
      && aws_lb_listener_rule.this.priority == 4242
      && aws_lb_listener_rule.this.action[0].type == "forward"
      && aws_lb_listener_rule.this.action[0].target_group_arn == aws_lb_target_group.this.arn
    )
    error_message = "The rule must sit on the given listener at its priority and forward to its own target group."
  }

  assert {
    condition     = output.rule.path_patterns == tolist(["/api/v1/orders", "/api/v1/orders/*"])
    error_message = "The rule must match the base path and everything under it."
  }

  assert {
    condition = (
      aws_lb_target_group.this.name == "api-test-orders"
      && aws_lb_target_group.this.port == 8000
      && aws_lb_target_group.this.target_type == "ip"
      && aws_lb_target_group.this.health_check[0].path == "/health"
      && aws_lb_target_group.this.health_check[0].matcher == "200"
    )
    error_message = "Targets are Fargate task IPs on 8000, healthy when /health answers 200."
  }
}

run "long_names_fit_a_target_group" {
  command = plan

  module {
    source = "../../modules/alb-route"
  }

  variables {
    name = "api-production-abcdefghij-abcdefghij-ab"
  }

  assert {
    condition     = length(aws_lb_target_group.this.name) == 32 && startswith(aws_lb_target_group.this.name, "api-production-abcdefgh-")
    error_message = "A name over 32 characters is cut to 23 and a hash, which stays unique."
  }
}

run "priority_must_be_in_range" {
  command = plan

  module {
    source = "../../modules/alb-route"
  }

  variables {
    priority = 50001
  }

  expect_failures = [var.priority]
}

run "paths_must_be_absolute" {
  command = plan

  module {
    source = "../../modules/alb-route"
  }

  variables {
    path_patterns = ["api/v1/orders"]
  }

  expect_failures = [var.path_patterns]
}
