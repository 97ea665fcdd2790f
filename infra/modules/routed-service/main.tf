# One service of the environment, the API or one scaffolded beside it: on the shared cluster,
# behind the shared load balancer for its paths, with its own image repository, database,
# tasks, alarms and deploy rights; it verifies tokens with the environment's public keys.
# Two inputs rather than one: the database and the tasks' security group need only the
# foundation, so they start while the load balancer (the platform) is still being created.
module "ecr" {
  source = "../ecr"

  name         = var.name
  kms_key_arn  = var.foundation.kms_key_arn
  force_delete = var.foundation.ecr_force_delete
  tags         = var.tags
}

module "route" {
  source = "../alb-route"

  name          = var.name
  vpc_id        = var.foundation.vpc_id
  listener_arn  = var.platform.listener_arn
  priority      = var.listener_priority
  path_patterns = var.path_patterns
  tags          = var.tags
}

# Its own RDS instance: no data or credentials shared with another service, and no database
# provider that would need to reach the private subnets from where Terraform runs.
module "database" {
  source = "../database"

  name                     = var.name
  vpc_id                   = var.foundation.vpc_id
  subnet_ids               = var.foundation.private_subnet_ids
  client_security_group_id = module.service.security_group_id
  kms_key_arn              = var.foundation.kms_key_arn
  engine_version           = var.db_engine_version
  parameter_group_family   = var.db_parameter_group_family
  instance_class           = var.db_instance_class
  allocated_storage        = var.db_allocated_storage
  max_allocated_storage    = var.db_max_allocated_storage
  multi_az                 = var.foundation.db_multi_az
  deletion_protection      = var.foundation.db_deletion_protection
  final_snapshot_suffix    = var.foundation.db_final_snapshot_suffix
  backup_retention_days    = var.foundation.db_backup_retention_days
  log_retention_days       = var.foundation.log_retention_days
  tags                     = var.tags
}

module "service" {
  source = "../service"

  name                    = var.name
  cluster                 = var.platform.cluster
  vpc_id                  = var.foundation.vpc_id
  subnet_ids              = var.foundation.private_subnet_ids
  aws_endpoints           = var.foundation.aws_endpoints
  rate_limit_store        = var.foundation.rate_limit_store
  image                   = "${module.ecr.repository_url}:${var.image_tag}"
  app_command             = var.app_command
  migration_command       = var.migration_command
  roles_command           = var.roles_command
  cpu                     = var.task_cpu
  memory                  = var.task_memory
  cpu_architecture        = var.cpu_architecture
  environment             = var.app_environment
  alb_security_group_id   = var.platform.alb_security_group_id
  target_group_arn        = module.route.target_group_arn
  alb_arn_suffix          = var.platform.alb_arn_suffix
  target_group_arn_suffix = module.route.target_group_arn_suffix
  ecr_repository_arn      = module.ecr.repository_arn
  kms_key_arn             = var.foundation.kms_key_arn
  log_retention_days      = var.foundation.log_retention_days
  min_capacity            = var.min_capacity
  max_capacity            = var.max_capacity
  cpu_target_percent      = var.cpu_target_percent
  requests_per_target     = var.requests_per_target
  tags                    = var.tags

  # Every service verifies the API's tokens; only the API, given the key, signs them.
  secrets = merge(
    { AUTH_PUBLIC_KEYS = var.foundation.public_keys_secret_arn },
    var.signing_key_secret_arn == null ? {} : { AUTH_SIGNING_KEY = var.signing_key_secret_arn },
  )

  database = {
    host                = module.database.address
    port                = module.database.port
    name                = module.database.database_name
    user                = module.database.username
    password_secret_arn = module.database.master_user_secret_arn
    security_group_id   = module.database.security_group_id
    resource_id         = module.database.resource_id
  }
}

module "alarms" {
  source = "../alarms"

  name                    = var.name
  alarm_topic_arn         = var.platform.alarm_topic_arn
  alb_arn_suffix          = var.platform.alb_arn_suffix
  target_group_arn_suffix = module.route.target_group_arn_suffix
  cluster_name            = var.platform.cluster.name
  service_name            = module.service.service_name
  db_instance_identifier  = module.database.identifier
  tags                    = var.tags
}

module "deploy_policy" {
  source = "../deploy-policy"

  ecr_repository_arn    = module.ecr.repository_arn
  cluster_arn           = var.platform.cluster.arn
  service_arn           = module.service.service_arn
  app_task_family       = module.service.app_task_family
  migration_task_family = module.service.migration_task_family
  roles_task_family     = module.service.roles_task_family
  pass_role_arns        = [module.service.execution_role_arn, module.service.task_role_arn, module.service.migration_task_role_arn]
  log_group_arn         = module.service.log_group_arn
  secret_arns           = compact([var.foundation.public_keys_secret_arn, var.foundation.rate_limit_store.uri_secret_arn, var.signing_key_secret_arn])
}

# A managed policy per service: inline policies of one role share a 10 KB limit.
resource "aws_iam_policy" "deploy" {
  count = var.platform.deploy_role_name == null ? 0 : 1

  name        = "${var.name}-deploy"
  description = "GitHub Actions deploys of ${var.name}: push its image, run its roles and migration tasks, update its service"
  policy      = module.deploy_policy.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "deploy" {
  count = var.platform.deploy_role_name == null ? 0 : 1

  role       = var.platform.deploy_role_name
  policy_arn = aws_iam_policy.deploy[0].arn
}
