locals {
  # Target group names are at most 32 characters; longer names keep a readable head and a hash.
  target_group_name = length(var.name) <= 32 ? var.name : "${substr(var.name, 0, 23)}-${substr(sha1(var.name), 0, 8)}"
}

resource "aws_lb_target_group" "this" {
  name                 = local.target_group_name
  port                 = var.target_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    path                = var.health_check_path
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = merge(var.tags, { Name = var.name })
}

# Requests whose path matches go to this service; everything else keeps the listener's default
# action (the environment's first service).
resource "aws_lb_listener_rule" "this" {
  listener_arn = var.listener_arn
  priority     = var.priority

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }

  condition {
    path_pattern {
      values = var.path_patterns
    }
  }

  tags = var.tags
}
