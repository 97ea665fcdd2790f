output "service_url" {
  description = "Base URL of the service (the load balancer's DNS name; point a CNAME or alias at it)."
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

output "ecr_repository_url" {
  description = "Repository to push images to."
  value       = module.ecr.repository_url
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.service.cluster_name
}

output "service_name" {
  description = "ECS service."
  value       = module.service.service_name
}

output "app_task_family" {
  description = "Task definition family of the app."
  value       = module.service.app_task_family
}

output "migration_task_family" {
  description = "Task definition family of the migration task."
  value       = module.service.migration_task_family
}

output "migration_task_definition_arn" {
  description = "Migration task definition revision registered by Terraform (deploys register newer ones)."
  value       = module.service.migration_task_definition_arn
}

output "network_configuration" {
  description = "Network configuration for `aws ecs run-task` (private subnets, service security group, no public IP)."
  value       = module.service.network_configuration
}

output "log_group_name" {
  description = "Log group of the app and migration containers."
  value       = module.service.log_group_name
}

output "signing_key_secret_arn" {
  description = "ARN of the SECRET_KEY secret (scripts/init-secrets.sh fills it)."
  value       = module.service.signing_key_secret_arn
}

output "deploy_role_arn" {
  description = "Role GitHub Actions assumes to deploy; null when github_subjects is empty."
  value       = one(module.github_oidc[*].role_arn)
}

output "database" {
  description = "Where the database is and how it is protected (no credentials)."
  value = {
    address             = module.database.address
    port                = module.database.port
    name                = module.database.database_name
    identifier          = module.database.identifier
    multi_az            = module.database.multi_az
    deletion_protection = module.database.deletion_protection
    publicly_accessible = module.database.publicly_accessible
    storage_encrypted   = module.database.storage_encrypted
  }
}

output "nat_gateway_count" {
  description = "NAT gateways: one in staging, one per availability zone in production."
  value       = module.network.nat_gateway_count
}

output "alarm_names" {
  description = "CloudWatch alarms of the environment."
  value       = module.alarms.alarm_names
}
