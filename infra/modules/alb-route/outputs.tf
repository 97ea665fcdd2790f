output "target_group_arn" {
  description = "Target group the service registers its tasks in."
  value       = aws_lb_target_group.this.arn

  # ECS refuses a target group that no listener rule attaches to the load balancer yet.
  depends_on = [aws_lb_listener_rule.this]
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group, the TargetGroup dimension of its CloudWatch metrics."
  value       = aws_lb_target_group.this.arn_suffix
}

output "rule" {
  description = "The listener rule: its listener, priority and path patterns."
  value = {
    arn           = aws_lb_listener_rule.this.arn
    listener_arn  = aws_lb_listener_rule.this.listener_arn
    priority      = aws_lb_listener_rule.this.priority
    path_patterns = sort(flatten([for c in aws_lb_listener_rule.this.condition : c.path_pattern[0].values]))
  }
}
