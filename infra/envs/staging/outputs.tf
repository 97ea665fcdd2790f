output "region" {
  description = "AWS region of the environment (the deploy script uses it)."
  value       = var.region
}

output "service_url" {
  description = "Base URL of the service through the load balancer."
  value       = module.stack.service_url
}

output "alb_dns_name" {
  description = "DNS name of the load balancer, for a CNAME or alias record."
  value       = module.stack.alb_dns_name
}

output "alb_access_logs_bucket" {
  description = "Bucket of the load balancer's access logs."
  value       = module.stack.alb_access_logs_bucket
}

output "ecr_repository_url" {
  description = "Repository the deploy pushes images to."
  value       = module.stack.ecr_repository_url
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.stack.cluster_name
}

output "service_name" {
  description = "ECS service."
  value       = module.stack.service_name
}

output "app_task_family" {
  description = "Task definition family of the app."
  value       = module.stack.app_task_family
}

output "migration_task_family" {
  description = "Task definition family of the migration task."
  value       = module.stack.migration_task_family
}

output "migration_task_definition_arn" {
  description = "Migration task definition revision registered by Terraform."
  value       = module.stack.migration_task_definition_arn
}

output "network_configuration" {
  description = "Network configuration the deploy runs the migration task with."
  value       = module.stack.network_configuration
}

output "log_group_name" {
  description = "Log group of the containers."
  value       = module.stack.log_group_name
}

output "signing_key_secret_arn" {
  description = "ARN of the API's AUTH_SIGNING_KEY secret."
  value       = module.stack.signing_key_secret_arn
}

output "public_keys_secret_arn" {
  description = "ARN of the AUTH_PUBLIC_KEYS secret (the JWKS every service verifies tokens with)."
  value       = module.stack.public_keys_secret_arn
}

output "task_secrets" {
  description = "Secrets the API's tasks get: variable name => secret ARN (no values)."
  value       = module.stack.task_secrets
}

output "deploy_role_arn" {
  description = "Role for GitHub Actions deploys (null without github_repository)."
  value       = module.stack.deploy_role_arn
}

output "rate_limit_store" {
  description = "The rate-limit store every service counts in (no token)."
  value       = module.stack.rate_limit_store
}

output "waf" {
  description = "The web ACL on the load balancer and its rules."
  value       = module.stack.waf
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm of the environment notifies: subscribe on-call tools here."
  value       = module.stack.alarm_topic_arn
}

output "alarm_names" {
  description = "CloudWatch alarms of the API and of the shared load balancer."
  value       = module.stack.alarm_names
}

output "database" {
  description = "Database location and protection settings (no credentials)."
  value       = module.stack.database
}

output "nat_gateway_count" {
  description = "NAT gateways in the environment (none: tasks reach AWS through VPC endpoints)."
  value       = module.stack.nat_gateway_count
}
