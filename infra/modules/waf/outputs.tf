output "web_acl_arn" {
  description = "ARN of the web ACL on the load balancer."
  value       = aws_wafv2_web_acl.this.arn
}

output "rules" {
  description = "The web ACL's rules by name, with their priority."
  value       = { for rule in aws_wafv2_web_acl.this.rule : rule.name => rule.priority }
}
