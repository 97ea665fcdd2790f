output "summary" {
  description = "What the deploy tool and init-secrets.sh read to deploy, roll back and set the secret of the service (the environment's service_<name> output), and where it runs; no credentials."
  value = {
    url                           = "${var.platform.url}${trimsuffix(var.path_patterns[0], "/*")}"
    cluster_arn                   = module.service.cluster_arn
    service_name                  = module.service.service_name
    app_task_family               = module.service.app_task_family
    migration_task_family         = module.service.migration_task_family
    migration_task_definition_arn = module.service.migration_task_definition_arn
    roles_task_family             = module.service.roles_task_family
    roles_task_definition_arn     = module.service.roles_task_definition_arn
    ecr_repository_url            = module.ecr.repository_url
    network_configuration         = module.service.network_configuration
    log_group_name                = module.service.log_group_name
    public_keys_secret_arn        = var.foundation.public_keys_secret_arn
    # The secret the deploy tool checks is set before it deploys: the API's signing key, or
    # for a service beside it the public keys it cannot start without.
    signing_key_secret_arn = coalesce(var.signing_key_secret_arn, var.foundation.public_keys_secret_arn)
    secrets                = module.service.secrets
    deploy_policy_attached = length(aws_iam_role_policy_attachment.deploy) > 0
    route                  = module.route.rule
    alarm_names            = module.alarms.alarm_names
    database = {
      address             = module.database.address
      port                = module.database.port
      name                = module.database.database_name
      identifier          = module.database.identifier
      migration_role      = module.service.migration_role
      service_role        = module.service.service_role
      multi_az            = module.database.multi_az
      deletion_protection = module.database.deletion_protection
      final_snapshot      = module.database.final_snapshot_identifier
      publicly_accessible = module.database.publicly_accessible
      storage_encrypted   = module.database.storage_encrypted
    }
  }
}
