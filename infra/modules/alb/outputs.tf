output "arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "ARN suffix of the load balancer, the LoadBalancer dimension of its CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Route 53 zone of the load balancer, for an alias record."
  value       = aws_lb.this.zone_id
}

output "url" {
  description = "Base URL of the service through the load balancer."
  value       = "${local.https ? "https" : "http"}://${aws_lb.this.dns_name}"
}

output "security_group_id" {
  description = "Security group of the load balancer."
  value       = aws_security_group.this.id
}

output "target_group_arn" {
  description = "Target group the service registers its tasks in."
  value       = aws_lb_target_group.this.arn

  # ECS refuses a target group that no listener attaches to a load balancer yet.
  depends_on = [aws_lb_listener.http, aws_lb_listener.https]
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group, the TargetGroup dimension of its CloudWatch metrics."
  value       = aws_lb_target_group.this.arn_suffix
}

output "listener_arns" {
  description = "Listeners; the service depends on them so the target group is attached before tasks register."
  value       = concat(aws_lb_listener.https[*].arn, [aws_lb_listener.http.arn])
}

output "listener_arn" {
  description = "The listener that serves requests (HTTPS with a certificate, else HTTP), where other services add their path rules."
  value       = local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn
}

output "access_logs_bucket" {
  description = "Bucket of the access logs (under <name>/AWSLogs/), or null when they are off."
  value       = one(aws_s3_bucket.access_logs[*].id)
}
