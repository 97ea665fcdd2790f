locals {
  aws_endpoints = {
    security_group_id = module.network.endpoints_security_group_id
    s3_prefix_list_id = module.network.s3_prefix_list_id
  }
  rate_limit_store = {
    security_group_id = module.rate_limit_store.security_group_id
    port              = module.rate_limit_store.port
    uri_secret_arn    = module.rate_limit_store.uri_secret_arn
  }

  # Protection holds until an apply with teardown = true lifts it (README, Destroying an
  # environment). That apply also stamps the final snapshots' names, which must be unique in
  # the account and say when the data was last seen.
  deletion_protection   = !var.teardown
  ecr_force_delete      = var.ecr_force_delete || var.teardown
  final_snapshot_suffix = var.teardown ? "final-${formatdate("YYYYMMDD-hhmmss", plantimestamp())}" : "final"
}

module "kms" {
  source = "../kms"

  name = var.name
  tags = var.tags
}

module "token_keys" {
  source = "../token-keys"

  name                 = var.name
  kms_key_arn          = module.kms.key_arn
  recovery_window_days = var.secret_recovery_window_days
  tags                 = var.tags
}

module "network" {
  source = "../network"

  name                    = var.name
  cidr_block              = var.vpc_cidr
  availability_zones      = var.availability_zones
  nat_gateways            = var.nat_gateways
  flow_log_retention_days = var.log_retention_days
  kms_key_arn             = module.kms.key_arn
  tags                    = var.tags
}

module "ecr" {
  source = "../ecr"

  name         = var.name
  kms_key_arn  = module.kms.key_arn
  force_delete = local.ecr_force_delete
  tags         = var.tags
}

module "alb" {
  source = "../alb"

  name                       = var.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.public_subnet_ids
  certificate_arn            = var.certificate_arn
  ingress_cidr_blocks        = var.alb_ingress_cidr_blocks
  deletion_protection        = local.deletion_protection
  access_logs_retention_days = var.alb_access_logs_retention_days
  access_logs_force_destroy  = local.ecr_force_delete
  tags                       = var.tags
}

# Shared by the environment's services: the first one below and any scaffolded beside it.
module "cluster" {
  source = "../cluster"

  name = var.name
  tags = var.tags
}

# The cluster used to be part of modules/service; this keeps it (and its services) in place.
moved {
  from = module.service.aws_ecs_cluster.this
  to   = module.cluster.aws_ecs_cluster.this
}

module "rate_limit_store" {
  source = "../rate-limit-store"

  name                 = var.name
  vpc_id               = module.network.vpc_id
  subnet_ids           = module.network.private_subnet_ids
  kms_key_arn          = module.kms.key_arn
  node_type            = var.rate_limit_node_type
  nodes                = var.rate_limit_nodes
  recovery_window_days = var.secret_recovery_window_days
  tags                 = var.tags
}

module "waf" {
  source = "../waf"

  name                      = var.name
  load_balancer_arn         = module.alb.arn
  token_requests_per_window = var.token_requests_per_window
  kms_key_arn               = module.kms.key_arn
  log_retention_days        = var.log_retention_days
  tags                      = var.tags
}

module "database" {
  source = "../database"

  name                     = var.name
  vpc_id                   = module.network.vpc_id
  subnet_ids               = module.network.private_subnet_ids
  client_security_group_id = module.service.security_group_id
  kms_key_arn              = module.kms.key_arn
  engine_version           = var.db_engine_version
  parameter_group_family   = var.db_parameter_group_family
  instance_class           = var.db_instance_class
  allocated_storage        = var.db_allocated_storage
  max_allocated_storage    = var.db_max_allocated_storage
  multi_az                 = var.db_multi_az
  deletion_protection      = local.deletion_protection
  final_snapshot_suffix    = local.final_snapshot_suffix
  backup_retention_days    = var.db_backup_retention_days
  log_retention_days       = var.log_retention_days
  tags                     = var.tags
}

module "service" {
  source = "../service"

  name             = var.name
  cluster          = { name = module.cluster.name, arn = module.cluster.arn }
  vpc_id           = module.network.vpc_id
  subnet_ids       = module.network.private_subnet_ids
  aws_endpoints    = local.aws_endpoints
  rate_limit_store = local.rate_limit_store

  image                   = "${module.ecr.repository_url}:${var.image_tag}"
  app_command             = var.app_command
  migration_command       = var.migration_command
  cpu                     = var.task_cpu
  memory                  = var.task_memory
  cpu_architecture        = var.cpu_architecture
  environment             = var.app_environment
  alb_security_group_id   = module.alb.security_group_id
  target_group_arn        = module.alb.target_group_arn
  alb_arn_suffix          = module.alb.arn_suffix
  target_group_arn_suffix = module.alb.target_group_arn_suffix
  ecr_repository_arn      = module.ecr.repository_arn
  kms_key_arn             = module.kms.key_arn
  log_retention_days      = var.log_retention_days
  min_capacity            = var.min_capacity
  max_capacity            = var.max_capacity
  cpu_target_percent      = var.cpu_target_percent
  requests_per_target     = var.requests_per_target
  tags                    = var.tags

  # The issuer: the only task that gets the signing key.
  secrets = {
    AUTH_SIGNING_KEY = module.token_keys.signing_key_secret_arn
    AUTH_PUBLIC_KEYS = module.token_keys.public_keys_secret_arn
  }

  database = {
    host                = module.database.address
    port                = module.database.port
    name                = module.database.database_name
    user                = module.database.username
    password_secret_arn = module.database.master_user_secret_arn
    security_group_id   = module.database.security_group_id
  }
}

module "alerting" {
  source = "../alerting"

  name           = var.name
  kms_key_arn    = module.kms.key_arn
  emails         = var.alarm_emails
  alb_arn_suffix = module.alb.arn_suffix
  tags           = var.tags
}

module "alarms" {
  source = "../alarms"

  name                    = var.name
  alarm_topic_arn         = module.alerting.topic_arn
  alb_arn_suffix          = module.alb.arn_suffix
  target_group_arn_suffix = module.alb.target_group_arn_suffix
  cluster_name            = module.cluster.name
  service_name            = module.service.service_name
  db_instance_identifier  = module.database.identifier
  tags                    = var.tags
}

module "github_oidc" {
  source = "../github-oidc"
  count  = length(var.github_subjects) > 0 ? 1 : 0

  name                  = "${var.name}-deploy"
  subjects              = var.github_subjects
  create_oidc_provider  = var.create_github_oidc_provider
  ecr_repository_arn    = module.ecr.repository_arn
  cluster_arn           = module.cluster.arn
  service_arn           = module.service.service_arn
  app_task_family       = module.service.app_task_family
  migration_task_family = module.service.migration_task_family
  pass_role_arns        = [module.service.execution_role_arn, module.service.task_role_arn]
  log_group_arn         = module.service.log_group_arn
  secret_arns           = [module.token_keys.signing_key_secret_arn, module.token_keys.public_keys_secret_arn, module.rate_limit_store.uri_secret_arn]
  state_bucket          = var.state_bucket
  state_key             = var.state_key
  tags                  = var.tags
}

locals {
  # Not one(module.github_oidc[*].role_name): a splat depends on every output of the module, so
  # services beside the first would wait for it and its database before they could start.
  deploy_role_name = length(var.github_subjects) > 0 ? module.github_oidc[0].role_name : null
}
