# The names infra/scripts read (lib.sh load_outputs) and the README lists.
locals {
  api = module.api.summary
}

output "region" {
  description = "AWS region of the environment (the deploy scripts use it)."
  value       = var.region
}

output "service_url" {
  description = "Base URL of the environment through the load balancer (point a CNAME or alias at alb_dns_name)."
  value       = module.alb.url
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = module.alb.dns_name
}

output "alb_zone_id" {
  description = "Route 53 zone of the load balancer, for an alias record."
  value       = module.alb.zone_id
}

output "alb_access_logs_bucket" {
  description = "Bucket of the load balancer's access logs (null when they are off)."
  value       = module.alb.access_logs_bucket
}

output "cluster_name" {
  description = "ECS cluster of every service."
  value       = module.cluster.name
}

output "ecr_repository_url" {
  description = "Repository the API's deploys push images to."
  value       = local.api.ecr_repository_url
}

output "service_name" {
  description = "ECS service of the API."
  value       = local.api.service_name
}

output "app_task_family" {
  description = "Task definition family of the API."
  value       = local.api.app_task_family
}

output "migration_task_family" {
  description = "Task definition family of the API's migration task."
  value       = local.api.migration_task_family
}

output "migration_task_definition_arn" {
  description = "Migration task definition revision registered by Terraform (deploys register newer ones)."
  value       = local.api.migration_task_definition_arn
}

output "roles_task_family" {
  description = "Task definition family of the API's roles task, which deploys run before the migration."
  value       = local.api.roles_task_family
}

output "network_configuration" {
  description = "Network configuration of the API's tasks, for `aws ecs run-task`."
  value       = local.api.network_configuration
}

output "log_group_name" {
  description = "Log group of the API's app and migration containers."
  value       = local.api.log_group_name
}

output "signing_key_secret_arn" {
  description = "ARN of the API's AUTH_SIGNING_KEY secret (scripts/init-secrets.sh fills it)."
  value       = module.token_keys.signing_key_secret_arn
}

output "public_keys_secret_arn" {
  description = "ARN of the AUTH_PUBLIC_KEYS secret, the JWKS every service verifies tokens with."
  value       = module.token_keys.public_keys_secret_arn
}

output "task_secrets" {
  description = "Secrets the API's tasks get: variable name => secret ARN (no values)."
  value       = local.api.secrets
}

output "database" {
  description = "The API's database: where it is and how it is protected (no credentials)."
  value       = local.api.database
}

output "alarm_names" {
  description = "CloudWatch alarms of the API and of the shared load balancer."
  value       = merge(local.api.alarm_names, module.alerting.alarm_names)
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm of the environment notifies: subscribe on-call tools here."
  value       = module.alerting.topic_arn
}

output "rate_limit_store" {
  description = "The rate-limit store every service counts in: replication group, endpoint and the secret init-secrets.sh fills (no token)."
  value = {
    replication_group_id    = module.rate_limit_store.replication_group_id
    primary_endpoint        = module.rate_limit_store.primary_endpoint
    port                    = module.rate_limit_store.port
    uri_secret_arn          = module.rate_limit_store.uri_secret_arn
    transit_encryption_mode = module.rate_limit_store.transit_encryption_mode
  }
}

output "waf" {
  description = "The web ACL on the load balancer and its rules."
  value       = { web_acl_arn = module.waf.web_acl_arn, rules = module.waf.rules }
}

output "deploy_role_arn" {
  description = "Role GitHub Actions assumes to deploy; null without github_repository."
  value       = one(module.github_oidc[*].role_arn)
}

output "nat_gateway_count" {
  description = "NAT gateways (none by default: tasks reach AWS through VPC endpoints)."
  value       = module.network.nat_gateway_count
}
