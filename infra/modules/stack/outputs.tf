output "service_url" {
  description = "Base URL of the service (the load balancer's DNS name; point a CNAME or alias at it)."
  value       = module.alb.url
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = module.alb.dns_name
}

output "alb_access_logs_bucket" {
  description = "Bucket of the load balancer's access logs (null when they are off)."
  value       = module.alb.access_logs_bucket
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
  value       = module.cluster.name
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
  description = "ARN of the API's AUTH_SIGNING_KEY secret (scripts/init-secrets.sh fills it)."
  value       = module.token_keys.signing_key_secret_arn
}

output "public_keys_secret_arn" {
  description = "ARN of the environment's AUTH_PUBLIC_KEYS secret, a JWKS every service verifies tokens with (scripts/init-secrets.sh fills it)."
  value       = module.token_keys.public_keys_secret_arn
}

output "task_secrets" {
  description = "Secrets the API's tasks get: variable name => secret ARN (no values)."
  value       = module.service.secrets
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
    final_snapshot      = module.database.final_snapshot_identifier
    publicly_accessible = module.database.publicly_accessible
    storage_encrypted   = module.database.storage_encrypted
  }
}

output "nat_gateway_count" {
  description = "NAT gateways (none by default: tasks reach AWS through VPC endpoints)."
  value       = module.network.nat_gateway_count
}

output "alarm_names" {
  description = "CloudWatch alarms of the API and of the shared load balancer."
  value       = merge(module.alarms.alarm_names, module.alerting.alarm_names)
}

output "rate_limit_store" {
  description = "The rate-limit store: replication group, endpoint and the secret init-secrets.sh fills (no token)."
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

output "alarm_topic_arn" {
  description = "SNS topic every alarm of the environment notifies."
  value       = module.alerting.topic_arn
}

output "foundation" {
  description = "What a service scaffolded beside the first one needs before the load balancer exists (the foundation input of modules/routed-service): network, KMS key, token public keys and the environment's policy."
  value = {
    vpc_id                   = module.network.vpc_id
    private_subnet_ids       = module.network.private_subnet_ids
    aws_endpoints            = local.aws_endpoints
    rate_limit_store         = local.rate_limit_store
    kms_key_arn              = module.kms.key_arn
    log_retention_days       = var.log_retention_days
    db_multi_az              = var.db_multi_az
    db_deletion_protection   = local.deletion_protection
    db_final_snapshot_suffix = local.final_snapshot_suffix
    db_backup_retention_days = var.db_backup_retention_days
    ecr_force_delete         = local.ecr_force_delete
    public_keys_secret_arn   = module.token_keys.public_keys_secret_arn
  }
}

output "platform" {
  description = "What a service scaffolded beside the first one shares with it (the platform input of modules/routed-service): cluster, load balancer, alarm topic and deploy role."
  value = {
    cluster               = { name = module.cluster.name, arn = module.cluster.arn }
    listener_arn          = module.alb.listener_arn
    alb_security_group_id = module.alb.security_group_id
    alb_arn_suffix        = module.alb.arn_suffix
    url                   = module.alb.url
    alarm_topic_arn       = module.alerting.topic_arn
    deploy_role_name      = local.deploy_role_name
  }
}
