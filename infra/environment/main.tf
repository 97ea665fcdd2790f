# One environment: its network, load balancer, cluster, shared stores and the API, which runs
# through modules/routed-service like every service scaffolded beside it (service_<name>.tf).
# envs/<environment>/ link to these files (so module paths are relative to there); what differs
# between environments is the table below and each environment's terraform.tfvars.
locals {
  # One line a setting: its value in staging and in production.
  by_environment = {
    vpc_cidr                       = { staging = "10.20.0.0/16", production = "10.30.0.0/16" }
    db_multi_az                    = { staging = false, production = true }
    db_instance_class              = { staging = "db.t4g.small", production = "db.t4g.medium" }
    db_backup_retention_days       = { staging = 7, production = 30 }
    task_cpu                       = { staging = 512, production = 1024 }
    task_memory                    = { staging = 1024, production = 2048 }
    min_capacity                   = { staging = 1, production = 2 }
    max_capacity                   = { staging = 2, production = 6 }
    log_retention_days             = { staging = 30, production = 365 }
    alb_access_logs_retention_days = { staging = 30, production = 365 }
    rate_limit_nodes               = { staging = 1, production = 2 }
    ecr_force_delete               = { staging = true, production = false }
    secret_recovery_window_days    = { staging = 0, production = 30 }
  }
  profile = { for setting, values in local.by_environment : setting => values[var.environment] }

  name = "${var.project}-${var.environment}"
  tags = merge(var.tags, { Project = var.project, Environment = var.environment, ManagedBy = "terraform" })

  vpc_cidr           = coalesce(var.vpc_cidr, local.profile.vpc_cidr)
  log_retention_days = coalesce(var.log_retention_days, local.profile.log_retention_days)

  # Protection holds until an apply with teardown = true lifts it (README, Destroying an
  # environment). That apply also stamps the final snapshots' names, which must be unique in
  # the account and say when the data was last seen.
  deletion_protection   = !var.teardown
  ecr_force_delete      = local.profile.ecr_force_delete || var.teardown
  final_snapshot_suffix = var.teardown ? "final-${formatdate("YYYYMMDD-hhmmss", plantimestamp())}" : "final"

  # What every service (modules/routed-service) shares, before and after the load balancer.
  foundation = {
    vpc_id             = module.network.vpc_id
    private_subnet_ids = module.network.private_subnet_ids
    aws_endpoints = {
      security_group_id = module.network.endpoints_security_group_id
      s3_prefix_list_id = module.network.s3_prefix_list_id
    }
    rate_limit_store = {
      security_group_id = module.rate_limit_store.security_group_id
      port              = module.rate_limit_store.port
      uri_secret_arn    = module.rate_limit_store.uri_secret_arn
    }
    kms_key_arn              = module.kms.key_arn
    log_retention_days       = local.log_retention_days
    db_multi_az              = local.profile.db_multi_az
    db_deletion_protection   = local.deletion_protection
    db_final_snapshot_suffix = local.final_snapshot_suffix
    db_backup_retention_days = coalesce(var.db_backup_retention_days, local.profile.db_backup_retention_days)
    ecr_force_delete         = local.ecr_force_delete
    public_keys_secret_arn   = module.token_keys.public_keys_secret_arn
  }
  platform = {
    cluster               = { name = module.cluster.name, arn = module.cluster.arn }
    listener_arn          = module.alb.listener_arn
    alb_security_group_id = module.alb.security_group_id
    alb_arn_suffix        = module.alb.arn_suffix
    url                   = module.alb.url
    alarm_topic_arn       = module.alerting.topic_arn
    # Not one(module.github_oidc[*].role_name): a splat depends on every output of the module,
    # so the services would wait for all of it.
    deploy_role_name = var.github_repository == null ? null : module.github_oidc[0].role_name
  }
}

module "kms" {
  source = "../../modules/kms"

  name = local.name
  tags = local.tags
}

module "token_keys" {
  source = "../../modules/token-keys"

  name                 = local.name
  kms_key_arn          = module.kms.key_arn
  recovery_window_days = local.profile.secret_recovery_window_days
  tags                 = local.tags
}

module "network" {
  source = "../../modules/network"

  name                    = local.name
  cidr_block              = local.vpc_cidr
  availability_zones      = var.availability_zones
  nat_gateways            = var.nat_gateways
  flow_log_retention_days = local.log_retention_days
  kms_key_arn             = module.kms.key_arn
  tags                    = local.tags
}

module "alb" {
  source = "../../modules/alb"

  name                       = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.public_subnet_ids
  certificate_arn            = var.certificate_arn
  ingress_cidr_blocks        = var.alb_ingress_cidr_blocks
  deletion_protection        = local.deletion_protection
  access_logs_retention_days = coalesce(var.alb_access_logs_retention_days, local.profile.alb_access_logs_retention_days)
  access_logs_force_destroy  = local.ecr_force_delete
  web_acl_arn                = module.waf.web_acl_arn
  tags                       = local.tags
}

module "waf" {
  source = "../../modules/waf"

  name = local.name

  token_requests_per_window = var.token_requests_per_window
  kms_key_arn               = module.kms.key_arn
  log_retention_days        = local.log_retention_days
  tags                      = local.tags
}

# Shared by the environment's services: the API below and any scaffolded beside it.
module "cluster" {
  source = "../../modules/cluster"

  name = local.name
  tags = local.tags
}

module "rate_limit_store" {
  source = "../../modules/rate-limit-store"

  name                 = local.name
  vpc_id               = module.network.vpc_id
  subnet_ids           = module.network.private_subnet_ids
  kms_key_arn          = module.kms.key_arn
  nodes                = local.profile.rate_limit_nodes
  recovery_window_days = local.profile.secret_recovery_window_days
  tags                 = local.tags
}

module "alerting" {
  source = "../../modules/alerting"

  name           = local.name
  kms_key_arn    = module.kms.key_arn
  emails         = var.alarm_emails
  alb_arn_suffix = module.alb.arn_suffix
  tags           = local.tags
}

module "github_oidc" {
  source = "../../modules/github-oidc"
  count  = var.github_repository == null ? 0 : 1

  name                 = "${local.name}-deploy"
  subjects             = ["repo:${var.github_repository}:environment:${var.environment}"]
  create_oidc_provider = var.create_github_oidc_provider
  state_bucket         = var.state_bucket
  state_key            = "api/${var.environment}.tfstate" # the key in backend.tf
  tags                 = local.tags
}

# The API: the listener's last rule sends it every path no other service claims.
module "api" {
  source = "../../modules/routed-service"

  name                   = local.name
  foundation             = local.foundation
  platform               = local.platform
  tags                   = local.tags
  path_patterns          = ["/*"]
  listener_priority      = 50000
  signing_key_secret_arn = module.token_keys.signing_key_secret_arn

  image_tag         = var.image_tag
  app_command       = var.app_command
  migration_command = var.migration_command
  roles_command     = var.roles_command

  task_cpu         = coalesce(var.task_cpu, local.profile.task_cpu)
  task_memory      = coalesce(var.task_memory, local.profile.task_memory)
  cpu_architecture = var.cpu_architecture
  min_capacity     = coalesce(var.min_capacity, local.profile.min_capacity)
  max_capacity     = coalesce(var.max_capacity, local.profile.max_capacity)
  app_environment  = var.app_environment

  db_instance_class    = coalesce(var.db_instance_class, local.profile.db_instance_class)
  db_allocated_storage = var.db_allocated_storage
}
