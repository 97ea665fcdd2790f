# A service beside the environment's first one: shared cluster and listener, its own route,
# repository, database and deploy rights, following the environment's policy.

mock_provider "aws" {
  source = "../mocks"
}

variables {
  name              = "api-test-orders"
  path_patterns     = ["/api/v1/orders", "/api/v1/orders/*"]
  listener_priority = 4242
  image_tag         = "v1"
  migration_command = ["python", "-m", "services.orders.manage", "db", "upgrade"]
  roles_command     = ["python", "-m", "services.orders.manage", "db-roles"]
  foundation = {
    vpc_id                   = "vpc-0123456789abcdef0"
    private_subnet_ids       = ["subnet-0a", "subnet-0b"]
    aws_endpoints            = { security_group_id = "sg-0endpoints", s3_prefix_list_id = "pl-6da54004" }
    rate_limit_store         = { security_group_id = "sg-0store", port = 6379, uri_secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-test/rate-limit-storage-uri-AbCdEf" }
    kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:key/0b7e6a4c-1f0d-4d33-9a55-5c0f6d2b7e10"
    log_retention_days       = 30
    db_multi_az              = true
    db_deletion_protection   = true
    db_final_snapshot_suffix = "final"
    db_backup_retention_days = 14
    ecr_force_delete         = false
    public_keys_secret_arn   = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-test/auth-public-keys-AbCdEf"
  }
  platform = {
    cluster               = { name = "api-test", arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/api-test" }
    listener_arn          = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/api-test/0123456789abcdef/443"
    alb_security_group_id = "sg-0alb"
    alb_arn_suffix        = "app/api-test/0123456789abcdef"
    url                   = "https://api-test-123.eu-west-1.elb.amazonaws.com"
    alarm_topic_arn       = "arn:aws:sns:eu-west-1:123456789012:api-test-alarms"
    deploy_role_name      = null
  }
}

run "shares_the_platform" {
  command = apply

  module {
    source = "../../modules/routed-service"
  }

  assert {
    condition     = output.summary.cluster_arn == var.platform.cluster.arn
    error_message = "The service must run in the environment's cluster."
  }

  assert {
    condition     = output.summary.route.listener_arn == var.platform.listener_arn && output.summary.route.priority == 4242
    error_message = "The service's rule must sit on the environment's listener at its priority."
  }

  assert {
    condition     = output.summary.url == "https://api-test-123.eu-west-1.elb.amazonaws.com/api/v1/orders"
    error_message = "The service's URL is the environment's URL and its base path."
  }

  assert {
    condition = (
      output.summary.database.identifier == "api-test-orders"
      && output.summary.database.multi_az == true
      && output.summary.database.deletion_protection == true
      && output.summary.database.publicly_accessible == false
      && output.summary.database.storage_encrypted == true
    )
    error_message = "The service gets its own private, encrypted database under the environment's policy."
  }

  assert {
    condition     = output.summary.service_name == "api-test-orders" && output.summary.app_task_family == "api-test-orders" && output.summary.migration_task_family == "api-test-orders-migrate"
    error_message = "The service and its task definitions are named after it."
  }

  assert {
    condition     = output.summary.deploy_policy_attached == false
    error_message = "Without a deploy role nothing is attached."
  }

  assert {
    condition     = keys(output.summary.secrets) == ["AUTH_PUBLIC_KEYS", "RATE_LIMIT_STORAGE_URI"] && output.summary.secrets.RATE_LIMIT_STORAGE_URI == var.foundation.rate_limit_store.uri_secret_arn && output.summary.secrets.AUTH_PUBLIC_KEYS == var.foundation.public_keys_secret_arn
    error_message = "A service beside the API gets the environment's public keys and the shared rate-limit store, never the signing key nor a database password (it logs in with IAM tokens)."
  }

  assert {
    condition = (
      output.summary.roles_task_family == "api-test-orders-roles"
      && output.summary.database.migration_role == "api_test_orders_migrator"
      && output.summary.database.service_role == "api_test_orders_service"
    )
    error_message = "The deploy finds the service's roles task, which creates its two database roles."
  }
}

run "grants_the_deploy_role" {
  command = apply

  module {
    source = "../../modules/routed-service"
  }

  variables {
    platform = merge(var.platform, { deploy_role_name = "api-test-deploy" })
  }

  assert {
    condition     = output.summary.deploy_policy_attached
    error_message = "With a deploy role the service's deploy policy must be attached to it."
  }
}

run "names_fit_rds_and_alb" {
  command = plan

  module {
    source = "../../modules/routed-service"
  }

  variables {
    name = "api-test--orders"
  }

  expect_failures = [var.name]
}

run "the_api_is_the_same_module_with_the_signing_key_and_the_last_rule" {
  command = apply

  module {
    source = "../../modules/routed-service"
  }

  variables {
    name                   = "api-test"
    path_patterns          = ["/*"]
    listener_priority      = 50000
    migration_command      = ["python", "-m", "services.api.manage", "db", "upgrade"]
    roles_command          = ["python", "-m", "services.api.manage", "db-roles"]
    signing_key_secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-test/auth-signing-key-AbCdEf"
  }

  assert {
    condition     = output.summary.secrets.AUTH_SIGNING_KEY == var.signing_key_secret_arn && output.summary.signing_key_secret_arn == var.signing_key_secret_arn
    error_message = "The issuer gets the signing key, and its deploy checks that the key is set."
  }

  assert {
    condition     = output.summary.route.priority == 50000 && output.summary.route.path_patterns == tolist(["/*"]) && output.summary.url == var.platform.url
    error_message = "The API's rule comes last and takes every path; its URL is the environment's."
  }
}
