# The production environment: its fixed policy is written here, its sizing in variables.tf and
# its account-specific values in terraform.tfvars.
locals {
  environment = "production"
  name        = "${var.project}-${local.environment}"
  tags        = merge(var.tags, { Project = var.project, Environment = local.environment, ManagedBy = "terraform" })
}

module "stack" {
  source = "../../modules/stack"

  name               = local.name
  availability_zones = var.availability_zones
  vpc_cidr           = var.vpc_cidr
  tags               = local.tags

  nat_gateways                = "none"
  db_multi_az                 = true
  ecr_force_delete            = false
  teardown                    = var.teardown
  rate_limit_nodes            = 2
  secret_recovery_window_days = 30

  certificate_arn                = var.certificate_arn
  alb_ingress_cidr_blocks        = var.alb_ingress_cidr_blocks
  alb_access_logs_retention_days = var.alb_access_logs_retention_days

  image_tag          = var.image_tag
  app_command        = var.app_command
  migration_command  = var.migration_command
  task_cpu           = var.task_cpu
  task_memory        = var.task_memory
  cpu_architecture   = var.cpu_architecture
  min_capacity       = var.min_capacity
  max_capacity       = var.max_capacity
  log_retention_days = var.log_retention_days
  app_environment    = var.app_environment

  db_instance_class        = var.db_instance_class
  db_allocated_storage     = var.db_allocated_storage
  db_backup_retention_days = var.db_backup_retention_days

  alarm_emails = var.alarm_emails

  github_subjects             = var.github_repository == null ? [] : ["repo:${var.github_repository}:environment:${local.environment}"]
  create_github_oidc_provider = var.create_github_oidc_provider
  state_bucket                = var.state_bucket
  state_key                   = "api/${local.environment}.tfstate" # the key in versions.tf
}
