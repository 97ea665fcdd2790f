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

output "listener_arn" {
  description = "The listener that serves requests (HTTPS with a certificate, else HTTP), where other services add their path rules."
  value       = local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn
}

output "access_logs_bucket" {
  description = "Bucket of the access logs (under <name>/AWSLogs/), or null when they are off."
  value       = one(aws_s3_bucket.access_logs[*].id)
}
